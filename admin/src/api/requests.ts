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
import { consentApi, getData, getPage, listTag, postData, postTo } from './consentApi';
import type { CursorPage, PageBefore } from './paging';

const requestsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentRequests: builder.query<
      CursorPage<ConsentRequest, number>,
      PageBefore & { status: RequestStatus | null }
    >(
      getPage(
        '/consent/requests',
        (res: GetRequests.Response) => ({ rows: res.data, next: res.meta.next }),
        [listTag('ConsentRequest')]
      )
    ),
    changeConsentRequest: builder.mutation(
      postTo<ChangeRequest.Response, ChangeRequest.Params>(
        ({ documentId, action }) => `/consent/requests/${documentId}/${action}`,
        [
          listTag('ConsentRequest'),
          listTag('ConsentCampaign'),
          'ConsentClient',
          'ConsentClientState',
        ]
      )
    ),
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
    changeConsentCampaign: builder.mutation(
      postTo<ChangeCampaign.Response, ChangeCampaign.Params>(
        ({ documentId, action }) => `/consent/campaigns/${documentId}/${action}`,
        [listTag('ConsentCampaign'), listTag('ConsentRequest'), 'ConsentOverview']
      )
    ),
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
