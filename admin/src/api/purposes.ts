import type {
  CreatePurpose,
  GetPurposes,
  GetVersions,
  PreviewVersion,
  PublishVersion,
  Purpose,
  TextVersion,
  UpdatePurpose,
} from '../../../server/src/contracts';
import {
  CONSENT_CHANGED,
  consentApi,
  FRESH,
  getData,
  listTag,
  postData,
  postTo,
} from './consentApi';

/** One purpose's route, with what is sent to it. */
type ForPurpose<Body> = { key: string; body: Body };

/** A purpose with the version of its text in force (null before the first publication). */
export interface CurrentText {
  purpose: Purpose;
  version: TextVersion | null;
}

const newestFirst = (versions: TextVersion[]) =>
  [...versions].sort((a, b) => b.major - a.major || b.minor - a.minor);

const purposesApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentPurposes: builder.query<Purpose[], void>(
      getData<GetPurposes.Response>('/consent/purposes', [listTag('ConsentPurpose')])
    ),
    getConsentVersions: builder.query<TextVersion[], string>({
      query: (key) => `/consent/purposes/${key}/versions`,
      transformResponse: (res: GetVersions.Response) => newestFirst(res.data.versions),
      providesTags: (_result, _error, key) => [{ type: 'ConsentVersion', id: key }],
      ...FRESH,
    }),
    /** Every active purpose with a published text, and that text: what a client is shown in person. */
    getCurrentTexts: builder.query<CurrentText[], void>({
      async queryFn(_arg, _api, _extra, fetch) {
        const purposes = await fetch('/consent/purposes');
        if (purposes.error) return { error: purposes.error };
        const active = (purposes.data as GetPurposes.Response).data.filter(
          (p) => p.active && p.currentMajor !== null
        );
        const texts: CurrentText[] = [];
        for (const purpose of active) {
          const res = await fetch(`/consent/purposes/${purpose.key}/versions`);
          if (res.error) return { error: res.error };
          const { versions } = (res.data as GetVersions.Response).data;
          const version =
            versions.find(
              (v) => v.major === purpose.currentMajor && v.minor === (purpose.currentMinor ?? 0)
            ) ?? null;
          texts.push({ purpose, version });
        }
        return { data: texts };
      },
      providesTags: [listTag('ConsentPurpose')],
      ...FRESH,
    }),
    createConsentPurpose: builder.mutation<Purpose, CreatePurpose.Request['body']>(
      postData<CreatePurpose.Response>('/consent/purposes', [
        listTag('ConsentPurpose'),
        ...CONSENT_CHANGED,
        'ConsentClientState',
      ])
    ),
    /** PUT /consent/purposes/:key: names and descriptions per locale, flags, the special category kind. */
    updateConsentPurpose: builder.mutation<Purpose, ForPurpose<UpdatePurpose.Request['body']>>({
      query: ({ key, body }) => ({ url: `/consent/purposes/${key}`, method: 'PUT', data: body }),
      transformResponse: (res: UpdatePurpose.Response) => res.data,
      invalidatesTags: [listTag('ConsentPurpose'), ...CONSENT_CHANGED],
    }),
    previewConsentVersion: builder.mutation(
      postTo<PreviewVersion.Response, ForPurpose<PreviewVersion.Request['body']>>(
        ({ key }) => `/consent/purposes/${key}/versions/preview`
      )
    ),
    publishConsentVersion: builder.mutation(
      postTo<PublishVersion.Response, ForPurpose<PublishVersion.Request['body']>>(
        ({ key }) => `/consent/purposes/${key}/versions`,
        ({ key }) => [
          listTag('ConsentPurpose'),
          { type: 'ConsentVersion', id: key },
          ...CONSENT_CHANGED,
          'ConsentClientState',
        ]
      )
    ),
  }),
});

export const {
  useGetConsentPurposesQuery,
  useGetConsentVersionsQuery,
  useGetCurrentTextsQuery,
  useCreateConsentPurposeMutation,
  useUpdateConsentPurposeMutation,
  usePreviewConsentVersionMutation,
  usePublishConsentVersionMutation,
} = purposesApi;

/** What publishing would do: the next version, the diff per locale and the clients affected. */
export type VersionPreview = PreviewVersion.Response['data'];
