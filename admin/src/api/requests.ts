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
import { consentApi, FRESH, getData, listTag, postData, withQuery } from './consentApi';
import type { CursorPage, PageBefore } from './paging';

const requestsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentRequests: builder.query<
      CursorPage<ConsentRequest, number>,
      PageBefore & { status: RequestStatus | null }
    >({
      query: ({ status, before, limit }) =>
        withQuery('/consent/requests', { limit, status, before: before || null }),
      transformResponse: (res: GetRequests.Response) => ({ rows: res.data, next: res.meta.next }),
      providesTags: [listTag('ConsentRequest')],
      ...FRESH,
    }),
    changeConsentRequest: builder.mutation<ConsentRequest, ChangeRequest.Params>({
      query: ({ documentId, action }) => ({
        url: `/consent/requests/${documentId}/${action}`,
        method: 'POST',
        data: {},
      }),
      transformResponse: (res: ChangeRequest.Response) => res.data,
      invalidatesTags: [
        listTag('ConsentRequest'),
        listTag('ConsentCampaign'),
        'ConsentClient',
        'ConsentClientState',
      ],
    }),
    getConsentCampaigns: builder.query<Campaign[], void>(
      getData<GetCampaigns.Response>('/consent/campaigns', [listTag('ConsentCampaign')])
    ),
    createConsentCampaign: builder.mutation<Campaign, CreateCampaign.Request['body']>(
      postData<CreateCampaign.Response>('/consent/campaigns', [
        listTag('ConsentCampaign'),
        listTag('ConsentRequest'),
        'ConsentClient',
        'ConsentOverview',
      ])
    ),
    changeConsentCampaign: builder.mutation<Campaign, ChangeCampaign.Params>({
      query: ({ documentId, action }) => ({
        url: `/consent/campaigns/${documentId}/${action}`,
        method: 'POST',
        data: {},
      }),
      transformResponse: (res: ChangeCampaign.Response) => res.data,
      invalidatesTags: [listTag('ConsentCampaign'), listTag('ConsentRequest'), 'ConsentOverview'],
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
