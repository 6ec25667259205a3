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
import {
  CONSENT_CHANGED,
  consentApi,
  getData,
  getPage,
  listTag,
  postData,
  postTo,
} from './consentApi';
import type { CursorPage, PageBefore } from './paging';

const dataRightsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    previewRetention: builder.mutation<RetentionPreview, PreviewRetention.Request['body']>(
      postData<PreviewRetention.Response>('/consent/retention/preview', ['ConsentAudit'])
    ),
    getRetentionRuns: builder.query<RetentionRun[], void>(
      getData<GetRetentionRuns.Response>('/consent/retention/runs', [
        listTag('ConsentRetentionRun'),
      ])
    ),
    createRetentionRun: builder.mutation<RetentionRun, CreateRetentionRun.Request['body']>(
      postData<CreateRetentionRun.Response>('/consent/retention/runs', [
        listTag('ConsentRetentionRun'),
        'ConsentAudit',
      ])
    ),
    cancelRetentionRun: builder.mutation(
      postTo<CancelRetentionRun.Response, CancelRetentionRun.Params['documentId']>(
        (documentId) => `/consent/retention/runs/${documentId}/cancel`,
        [listTag('ConsentRetentionRun')]
      )
    ),
    importConsents: builder.mutation<ImportReport, ImportConsents.Request['body']>({
      query: (data) => ({ url: '/consent/imports', method: 'POST', data }),
      transformResponse: (res: ImportConsents.Response) => res.data,
      invalidatesTags: (_result, _error, { dryRun }) =>
        dryRun ? ['ConsentAudit'] : ['ConsentAudit', 'ConsentClientState', ...CONSENT_CHANGED],
    }),
    /** A GET, but each verification is written to the audit trail. */
    verifyConsentProof: builder.mutation<VerifyResult, void>({
      query: () => '/consent/proof/verify',
      transformResponse: (res: VerifyProof.Response) => res.data,
      invalidatesTags: ['ConsentAudit'],
    }),
    getConsentCheckpoints: builder.query<Checkpoint[], void>(
      getData<GetCheckpoints.Response>('/consent/proof/checkpoints', [listTag('ConsentCheckpoint')])
    ),
    /** null when no chain moved since the last checkpoint. */
    sealConsentCheckpoint: builder.mutation(
      postTo<SealCheckpoint.Response, void>(
        () => '/consent/proof/checkpoints',
        [listTag('ConsentCheckpoint'), 'ConsentAudit']
      )
    ),
    getConsentAudit: builder.query<
      CursorPage<AuditEntry, number>,
      PageBefore & { action: AuditAction | null }
    >(
      getPage(
        '/consent/audit',
        (res: GetAudit.Response) => ({ rows: res.data.entries, next: res.data.next }),
        ['ConsentAudit']
      )
    ),
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
