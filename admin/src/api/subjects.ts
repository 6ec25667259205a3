import { getFetchClient } from '@strapi/strapi/admin';
import type {
  ConsentEvent,
  CreateClientRequest,
  EraseClient,
  ErasureRecord,
  ErasureResult,
  ExportFormat,
  GetClientConsent,
  GetClientErasure,
  GetClientEvents,
  GetClientReceipt,
  GetClientRequests,
  ReceiptFormat,
  RecordDecisions,
} from '../../../server/src/contracts';
import { CONSENT_CHANGED, consentApi, FRESH, getData, listTag, postTo } from './consentApi';

/** One client's route, with what is sent to it. */
type ForClient<Body> = { documentId: string; body: Body };

export type ReceiptResult = GetClientReceipt.Response['data'];

/** What changes with a client's decisions: its state and history, and the lists and counts. */
const clientChanged = (documentId: string) =>
  [
    { type: 'ConsentClientState', id: documentId },
    { type: 'ConsentEvent', id: documentId },
    ...CONSENT_CHANGED,
  ] as const;

const subjectsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getClientConsent: builder.query(
      getData<GetClientConsent.Response, string>(
        (documentId) => `/consent/subjects/${documentId}`,
        (documentId) => [{ type: 'ConsentClientState', id: documentId }]
      )
    ),
    getClientEvents: builder.query<
      { events: ConsentEvent[]; total: number },
      { documentId: string; pageSize: number }
    >({
      query: ({ documentId, pageSize }) =>
        `/consent/subjects/${documentId}/events?pageSize=${pageSize}`,
      transformResponse: (res: GetClientEvents.Response) => ({
        events: res.data,
        total: res.meta.pagination.total,
      }),
      providesTags: (_result, _error, { documentId }) => [{ type: 'ConsentEvent', id: documentId }],
      ...FRESH,
    }),
    recordDecisions: builder.mutation(
      postTo<RecordDecisions.Response, ForClient<RecordDecisions.Request['body']>>(
        ({ documentId }) => `/consent/subjects/${documentId}/decisions`,
        ({ documentId }) => clientChanged(documentId)
      )
    ),
    createClientRequest: builder.mutation(
      postTo<CreateClientRequest.Response, ForClient<CreateClientRequest.Request['body']>>(
        ({ documentId }) => `/consent/subjects/${documentId}/requests`,
        ({ documentId }) => [
          { type: 'ConsentClientState', id: documentId },
          { type: 'ConsentRequest', id: 'LIST' },
          'ConsentClient',
        ]
      )
    ),
    /** The client's latest requests (consent requests, information mails, confirmations), newest first. */
    getClientRequests: builder.query(
      getData<GetClientRequests.Response, { documentId: string; limit: number }>(
        ({ documentId, limit }) => `/consent/subjects/${documentId}/requests?limit=${limit}`,
        ({ documentId }) => [{ type: 'ConsentRequest', id: documentId }, listTag('ConsentRequest')]
      )
    ),
    /** 404 for a client that was not erased: callers read `data` only. */
    getClientErasure: builder.query(
      getData<GetClientErasure.Response, string>(
        (documentId) => `/consent/subjects/${documentId}/erasure`,
        (documentId) => [{ type: 'ConsentErasure', id: documentId }]
      )
    ),
    /** The dry run: what erasing would touch. A POST that writes nothing, so a query. */
    getErasurePreview: builder.query<ErasureResult, { documentId: string; reason: string }>({
      query: ({ documentId, reason }) => ({
        url: `/consent/subjects/${documentId}/erase`,
        method: 'POST',
        data: { dryRun: true, reason },
      }),
      transformResponse: (res: EraseClient.Response) => res.data,
      ...FRESH,
    }),
    eraseClient: builder.mutation(
      postTo<EraseClient.Response, ForClient<EraseClient.Request['body']>>(
        ({ documentId }) => `/consent/subjects/${documentId}/erase`,
        ({ documentId }) => [
          { type: 'ConsentErasure', id: documentId },
          ...clientChanged(documentId),
          'ConsentAudit',
        ]
      )
    ),
    /** A GET, but each one is written to the audit trail. */
    getClientReceipt: builder.mutation<
      ReceiptResult,
      { documentId: string; format: ReceiptFormat }
    >({
      query: ({ documentId, format }) => `/consent/subjects/${documentId}/receipt?format=${format}`,
      transformResponse: (res: GetClientReceipt.Response) => res.data,
      invalidatesTags: ['ConsentAudit'],
    }),
  }),
});

export const {
  useGetClientConsentQuery,
  useGetClientEventsQuery,
  useRecordDecisionsMutation,
  useCreateClientRequestMutation,
  useGetClientRequestsQuery,
  useGetClientErasureQuery,
  useGetErasurePreviewQuery,
  useEraseClientMutation,
  useGetClientReceiptMutation,
} = subjectsApi;

/** The erasure record in an erase answer, or null for a dry run. */
export const erasureRecordOf = (result: ErasureResult): ErasureRecord | null =>
  result.erasure ?? (!result.dryRun && result.erasedAt ? (result as ErasureRecord) : null);

/**
 * Downloads are files, not cacheable JSON: fetched with the admin's token (a plain link
 * has none) and handed to the browser by the caller.
 */
const downloadFile = async (path: string) => {
  const { data, headers } = await getFetchClient().get<Blob>(path, { responseType: 'blob' });
  return { data, headers };
};

/** `locale`: the language of the XLSX headings (the admin's own). */
export const downloadClientHistory = (documentId: string, format: ExportFormat, locale: string) =>
  downloadFile(
    `/consent/subjects/${documentId}/export?format=${format}&locale=${encodeURIComponent(locale)}`
  );

export const downloadAccessArchive = (documentId: string) =>
  downloadFile(`/consent/subjects/${documentId}/access-archive`);

/** One source's events across all clients (`locale`: the XLSX headings' language). */
export const downloadEvents = (source: string, format: ExportFormat, locale: string) =>
  downloadFile(
    `/consent/events/export?source=${encodeURIComponent(source)}&format=${format}&locale=${encodeURIComponent(locale)}`
  );
