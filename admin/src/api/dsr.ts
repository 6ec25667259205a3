import { getFetchClient } from '@strapi/strapi/admin';
import type {
  CreateDsrRequest,
  DsrKind,
  DsrRequest,
  DsrStatus,
  ExtendDsrRequest,
  GetDsrRequest,
  GetDsrRequests,
  TransitionDsrRequest,
} from '../../../server/src/contracts';
import { consentApi, getData, getPage, listTag, postData, postTo } from './consentApi';
import type { CursorPage, PageBefore } from './paging';

export type DsrFilter = PageBefore & {
  status: DsrStatus | null;
  kind: DsrKind | null;
  due: 'overdue' | 'due_soon' | null;
  client?: string | null;
};

/** The register of data-subject requests: list, one with its history, and each change. */
const dsrApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getDsrRequests: builder.query<CursorPage<DsrRequest & { id: number }, number>, DsrFilter>(
      getPage(
        '/consent/dsr',
        (res: GetDsrRequests.Response) => ({ rows: res.data, next: res.meta.next }),
        [listTag('ConsentDsr')]
      )
    ),
    getDsrRequest: builder.query<GetDsrRequest.Response['data'], string>(
      getData<GetDsrRequest.Response, string>(
        (id) => `/consent/dsr/${id}`,
        (id) => [{ type: 'ConsentDsr', id }]
      )
    ),
    createDsrRequest: builder.mutation<DsrRequest, CreateDsrRequest.Request['body']>(
      postData<CreateDsrRequest.Response>('/consent/dsr', [
        listTag('ConsentDsr'),
        'ConsentOverview',
      ])
    ),
    transitionDsrRequest: builder.mutation(
      postTo<
        TransitionDsrRequest.Response,
        { documentId: string; body: TransitionDsrRequest.Request['body'] }
      >(
        ({ documentId }) => `/consent/dsr/${documentId}/transition`,
        ({ documentId }) => [
          listTag('ConsentDsr'),
          { type: 'ConsentDsr', id: documentId },
          'ConsentOverview',
        ]
      )
    ),
    extendDsrRequest: builder.mutation(
      postTo<
        ExtendDsrRequest.Response,
        { documentId: string; body: ExtendDsrRequest.Request['body'] }
      >(
        ({ documentId }) => `/consent/dsr/${documentId}/extend`,
        ({ documentId }) => [
          listTag('ConsentDsr'),
          { type: 'ConsentDsr', id: documentId },
          'ConsentOverview',
        ]
      )
    ),
  }),
});

export const {
  useGetDsrRequestsQuery,
  useLazyGetDsrRequestsQuery,
  useGetDsrRequestQuery,
  useCreateDsrRequestMutation,
  useTransitionDsrRequestMutation,
  useExtendDsrRequestMutation,
} = dsrApi;

/** The register as a file for the supervisory authority (fetched with the admin's token). */
export const downloadDsrRegister = async (format: 'csv' | 'xlsx') => {
  const { data, headers } = await getFetchClient().get<Blob>(
    `/consent/dsr/export?format=${format}`,
    { responseType: 'blob' }
  );
  return { data, headers };
};
