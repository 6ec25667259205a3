import { getFetchClient } from '@strapi/strapi/admin';
import type {
  ClientConsent,
  ConsentEvent,
  CreateClientRequest,
  ConsentRequest,
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
import { CONSENT_CHANGED, consentApi, FRESH, listTag } from './consentApi';

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
    getClientConsent: builder.query<ClientConsent, string>({
      query: (documentId) => `/consent/subjects/${documentId}`,
      transformResponse: (res: GetClientConsent.Response) => res.data,
      providesTags: (_result, _error, documentId) => [
        { type: 'ConsentClientState', id: documentId },
      ],
      ...FRESH,
    }),
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
    recordDecisions: builder.mutation<
      RecordDecisions.Response['data'],
      { documentId: string; body: RecordDecisions.Request['body'] }
    >({
      query: ({ documentId, body }) => ({
        url: `/consent/subjects/${documentId}/decisions`,
        method: 'POST',
        data: body,
      }),
      transformResponse: (res: RecordDecisions.Response) => res.data,
      invalidatesTags: (_result, _error, { documentId }) => [...clientChanged(documentId)],
    }),
    createClientRequest: builder.mutation<
      ConsentRequest,
      { documentId: string; body: CreateClientRequest.Request['body'] }
    >({
      query: ({ documentId, body }) => ({
        url: `/consent/subjects/${documentId}/requests`,
        method: 'POST',
        data: body,
      }),
      transformResponse: (res: CreateClientRequest.Response) => res.data,
      invalidatesTags: (_result, _error, { documentId }) => [
        { type: 'ConsentClientState', id: documentId },
        { type: 'ConsentRequest', id: 'LIST' },
        'ConsentClient',
      ],
    }),
    /** The client's latest requests (consent requests, information mails, confirmations), newest first. */
    getClientRequests: builder.query<ConsentRequest[], { documentId: string; limit: number }>({
      query: ({ documentId, limit }) => `/consent/subjects/${documentId}/requests?limit=${limit}`,
      transformResponse: (res: GetClientRequests.Response) => res.data,
      providesTags: (_result, _error, { documentId }) => [
        { type: 'ConsentRequest', id: documentId },
        listTag('ConsentRequest'),
      ],
      ...FRESH,
    }),
    /** 404 for a client that was not erased: callers read `data` only. */
    getClientErasure: builder.query<ErasureRecord, string>({
      query: (documentId) => `/consent/subjects/${documentId}/erasure`,
      transformResponse: (res: GetClientErasure.Response) => res.data,
      providesTags: (_result, _error, documentId) => [{ type: 'ConsentErasure', id: documentId }],
      ...FRESH,
    }),
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
    eraseClient: builder.mutation<
      ErasureResult,
      { documentId: string; body: EraseClient.Request['body'] }
    >({
      query: ({ documentId, body }) => ({
        url: `/consent/subjects/${documentId}/erase`,
        method: 'POST',
        data: body,
      }),
      transformResponse: (res: EraseClient.Response) => res.data,
      invalidatesTags: (_result, _error, { documentId }) => [
        { type: 'ConsentErasure', id: documentId },
        ...clientChanged(documentId),
        'ConsentAudit',
      ],
    }),
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

export const downloadClientHistory = (documentId: string, format: ExportFormat) =>
  downloadFile(`/consent/subjects/${documentId}/export?format=${format}`);

export const downloadAccessArchive = (documentId: string) =>
  downloadFile(`/consent/subjects/${documentId}/access-archive`);
