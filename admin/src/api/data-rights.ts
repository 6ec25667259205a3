import type {
  AuditAction,
  AuditEntry,
  CancelRetentionRun,
  Checkpoint,
  CreateRetentionRun,
  GetAudit,
  GetCheckpoints,
  GetRetentionRuns,
  ImportConsents,
  ImportReport,
  PreviewRetention,
  RetentionPreview,
  RetentionRun,
  SealCheckpoint,
  VerifyProof,
  VerifyResult,
} from '../../../server/src/contracts';
import { CONSENT_CHANGED, consentApi, FRESH } from './consentApi';
import type { CursorPage } from './paging';

export interface AuditQuery {
  action: AuditAction | null;
  before: number | null;
  limit: number;
}

const dataRightsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    previewRetention: builder.mutation<RetentionPreview, PreviewRetention.Request['body']>({
      query: (data) => ({ url: '/consent/retention/preview', method: 'POST', data }),
      transformResponse: (res: PreviewRetention.Response) => res.data,
      invalidatesTags: ['ConsentAudit'],
    }),
    getRetentionRuns: builder.query<RetentionRun[], void>({
      query: () => '/consent/retention/runs',
      transformResponse: (res: GetRetentionRuns.Response) => res.data,
      providesTags: [{ type: 'ConsentRetentionRun', id: 'LIST' }],
      ...FRESH,
    }),
    createRetentionRun: builder.mutation<RetentionRun, CreateRetentionRun.Request['body']>({
      query: (data) => ({ url: '/consent/retention/runs', method: 'POST', data }),
      transformResponse: (res: CreateRetentionRun.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentRetentionRun', id: 'LIST' }, 'ConsentAudit'],
    }),
    cancelRetentionRun: builder.mutation<RetentionRun, CancelRetentionRun.Params['documentId']>({
      query: (documentId) => ({ url: `/consent/retention/runs/${documentId}/cancel`, method: 'POST', data: {} }),
      transformResponse: (res: CancelRetentionRun.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentRetentionRun', id: 'LIST' }],
    }),
    importConsents: builder.mutation<ImportReport, ImportConsents.Request['body']>({
      query: (data) => ({ url: '/consent/imports', method: 'POST', data }),
      transformResponse: (res: ImportConsents.Response) => res.data,
      invalidatesTags: (_result, _error, { dryRun }) => (dryRun ? ['ConsentAudit'] : ['ConsentAudit', 'ConsentClientState', ...CONSENT_CHANGED]),
    }),
    /** A GET, but each verification is written to the audit trail. */
    verifyConsentProof: builder.mutation<VerifyResult, void>({
      query: () => '/consent/proof/verify',
      transformResponse: (res: VerifyProof.Response) => res.data,
      invalidatesTags: ['ConsentAudit'],
    }),
    getConsentCheckpoints: builder.query<Checkpoint[], void>({
      query: () => '/consent/proof/checkpoints',
      transformResponse: (res: GetCheckpoints.Response) => res.data,
      providesTags: [{ type: 'ConsentCheckpoint', id: 'LIST' }],
      ...FRESH,
    }),
    /** null when no chain moved since the last checkpoint. */
    sealConsentCheckpoint: builder.mutation<Checkpoint | null, void>({
      query: () => ({ url: '/consent/proof/checkpoints', method: 'POST', data: {} }),
      transformResponse: (res: SealCheckpoint.Response) => res.data,
      invalidatesTags: [{ type: 'ConsentCheckpoint', id: 'LIST' }, 'ConsentAudit'],
    }),
    getConsentAudit: builder.query<CursorPage<AuditEntry, number>, AuditQuery>({
      query: ({ action, before, limit }) => {
        const params = new URLSearchParams({ limit: String(limit) });
        if (action) params.set('action', action);
        if (before !== null) params.set('before', String(before));
        return `/consent/audit?${params}`;
      },
      transformResponse: (res: GetAudit.Response) => ({ rows: res.data.entries, next: res.data.next }),
      providesTags: ['ConsentAudit'],
      ...FRESH,
    }),
  }),
});

export const {
  usePreviewRetentionMutation,
  useGetRetentionRunsQuery,
  useCreateRetentionRunMutation,
  useCancelRetentionRunMutation,
  useImportConsentsMutation,
  useVerifyConsentProofMutation,
  useGetConsentCheckpointsQuery,
  useSealConsentCheckpointMutation,
  useGetConsentAuditQuery,
  useLazyGetConsentAuditQuery,
} = dataRightsApi;
