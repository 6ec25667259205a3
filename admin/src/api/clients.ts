import { getFetchClient } from '@strapi/strapi/admin';
import type {
  ClientRow,
  BookingCheck,
  ClientStatusEntry,
  GetBookingCheck,
  GetBookingChecks,
  GetClients,
  GetClientStatuses,
  GetHostConfig,
  GetOverview,
  HostConfig,
} from '../../../server/src/contracts';
import { consentApi, getData, getPage, listTag } from './consentApi';
import type { CursorPage } from './paging';

export type Overview = GetOverview.Response['data'];
export type ClientsQuery = Required<Pick<GetClients.Request['query'], 'state' | 'limit'>> & {
  q?: string;
  cursor?: string | null;
};

const clientsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentClients: builder.query<CursorPage<ClientRow, string>, ClientsQuery>(
      getPage(
        '/consent/clients',
        (res: GetClients.Response) => ({ rows: res.data, next: res.meta.next }),
        ['ConsentClient']
      )
    ),
    getConsentOverview: builder.query(
      getData<GetOverview.Response, number>(
        (days) => `/consent/overview?days=${days}`,
        ['ConsentOverview', listTag('ConsentCampaign')]
      )
    ),
    getBookingCheck: builder.query(
      getData<GetBookingCheck.Response, GetBookingCheck.Params>(
        ({ uid, documentId }) => `/consent/bookings/${uid}/${documentId}/check`,
        ['ConsentBookingCheck']
      )
    ),
  }),
});

export const {
  useGetConsentClientsQuery,
  useLazyGetConsentClientsQuery,
  useGetConsentOverviewQuery,
  useGetBookingCheckQuery,
} = clientsApi;

/**
 * Not through the store: the configuration is shared by every component for the page's
 * life, and the list view's column needs it synchronously (see hooks/useConsentConfig).
 */
export const fetchHostConfig = async (): Promise<HostConfig> =>
  (await getFetchClient().get<GetHostConfig.Response>('/consent/config')).data.data;

/** The statuses of up to 100 clients in one call, for the Content Manager's list column (see cm/batcher). */
export const fetchClientStatuses = async (
  documentIds: string[]
): Promise<Record<string, ClientStatusEntry>> => {
  const ids = documentIds.map(encodeURIComponent).join(',');
  return (
    await getFetchClient().get<GetClientStatuses.Response>(
      `/consent/subjects/statuses?documentIds=${ids}`
    )
  ).data.data;
};

export type { BookingCheck };

/** The consent marks of up to 100 bookings of one type in one call, for the list column (see cm/batcher). */
export const fetchBookingChecks = async (
  uid: string,
  documentIds: string[]
): Promise<Record<string, BookingCheck>> => {
  const ids = documentIds.map(encodeURIComponent).join(',');
  return (
    await getFetchClient().get<GetBookingChecks.Response>(
      `/consent/bookings/${uid}/checks?documentIds=${ids}`
    )
  ).data.data;
};
