import type {
  ConsentSource,
  GetEvents,
  GetHostConfig,
  SourcedEvent,
} from '../../../server/src/contracts';
import { consentApi, FRESH, getPage } from './consentApi';
import type { CursorPage, PageBefore } from './paging';

/** Consent events across clients by source, and the list of sources staff pick from. */
const eventsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    /**
     * Settings > Sources, read through GET /consent/config (the read permission, not the
     * settings one: staff who register consent pick from it); saving settings refetches it.
     */
    getConsentSources: builder.query<ConsentSource[], void>({
      query: () => '/consent/config',
      transformResponse: (res: GetHostConfig.Response) => res.data.sources ?? [],
      providesTags: ['ConsentSettings'],
      ...FRESH,
    }),
    getConsentEvents: builder.query<
      CursorPage<SourcedEvent, number>,
      PageBefore & { source: string | null }
    >(
      getPage(
        '/consent/events',
        (res: GetEvents.Response) => ({ rows: res.data.events, next: res.data.next }),
        ['ConsentEvent']
      )
    ),
  }),
});

export const { useGetConsentSourcesQuery, useGetConsentEventsQuery, useLazyGetConsentEventsQuery } =
  eventsApi;

/** A source's label in the admin's language: its `labels[locale]`, its `label`, or the key itself. */
export const sourceLabel = (
  sources: readonly ConsentSource[] | undefined,
  key: string | null | undefined,
  locale: string
): string | null => {
  if (!key) return null;
  const source = sources?.find((s) => s.key === key);
  if (!source) return key;
  const language = locale.toLowerCase().split(/[-_]/)[0];
  return source.labels?.[locale] ?? source.labels?.[language] ?? source.label;
};
