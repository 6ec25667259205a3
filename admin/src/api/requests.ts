import type {
  Campaign,
  ChangeCampaign,
  ChangeRequest,
  ConsentRequest,
  CreateCampaign,
  GetCampaigns,
  GetRequests,
  RequestStatus,
} from '../../../server/src/contracts';
import { consentApi, FRESH } from './consentApi';
import type { CursorPage } from './paging';

export interface RequestsQuery {
  status: RequestStatus | null;
  before: number | null;
  limit: number;
}

const requestsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentRequests: builder.query<CursorPage<ConsentRequest, number>, RequestsQuery>({
      query: ({ status, before, limit }) => {
        const params = new URLSearchParams({ limit: String(limit) });
        if (status) params.set('status', status);
        if (before) params.set('before', String(before));
        return `/consent/requests?${params}`;
      },
      transformResponse: (res: GetRequests.Response) => ({ rows: res.data, next: res.meta.next }),
      providesTags: [{ type: 'ConsentRequest', id: 'LIST' }],
      ...FRESH,
    }),
    changeConsentRequest: builder.mutation<ConsentRequest, ChangeRequest.Params>({
      query: ({ documentId, action }) => ({ url: `/consent/requests/${documentId}/${action}`, method: 'POST', data: {} }),
      transformResponse: (res: ChangeRequest.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentRequest', id: 'LIST' }, { type: 'ConsentCampaign', id: 'LIST' }, 'ConsentClient', 'ConsentClientState'],
    }),
    getConsentCampaigns: builder.query<Campaign[], void>({
      query: () => '/consent/campaigns',
      transformResponse: (res: GetCampaigns.Response) => res.data,
      providesTags: [{ type: 'ConsentCampaign', id: 'LIST' }],
      ...FRESH,
    }),
    createConsentCampaign: builder.mutation<Campaign, CreateCampaign.Request['body']>({
      query: (data) => ({ url: '/consent/campaigns', method: 'POST', data }),
      transformResponse: (res: CreateCampaign.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentCampaign', id: 'LIST' }, { type: 'ConsentRequest', id: 'LIST' }, 'ConsentClient', 'ConsentOverview'],
    }),
    changeConsentCampaign: builder.mutation<Campaign, ChangeCampaign.Params>({
      query: ({ documentId, action }) => ({ url: `/consent/campaigns/${documentId}/${action}`, method: 'POST', data: {} }),
      transformResponse: (res: ChangeCampaign.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentCampaign', id: 'LIST' }, { type: 'ConsentRequest', id: 'LIST' }, 'ConsentOverview'],
    }),
  }),
});

export const {
  useGetConsentRequestsQuery,
  useLazyGetConsentRequestsQuery,
  useChangeConsentRequestMutation,
  useGetConsentCampaignsQuery,
  useCreateConsentCampaignMutation,
  useChangeConsentCampaignMutation,
} = requestsApi;
