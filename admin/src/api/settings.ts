import type {
  GetSettings,
  SendTestEmail,
  Settings,
  UpdateSettings,
} from '../../../server/src/contracts';
import { consentApi, getData, postData } from './consentApi';

/** A webhook of Strapi's own webhooks API (/admin/webhooks), as far as the plugin reads it. */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  events: string[];
  isEnabled: boolean;
}

/** Settings > Consent: the plugin's settings, and Strapi's webhooks as far as the page reads them. */
const settingsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentSettings: builder.query<Settings, void>(
      getData<GetSettings.Response>('/consent/settings', ['ConsentSettings'])
    ),
    updateConsentSettings: builder.mutation<Settings, UpdateSettings.Request['body']>({
      query: (data) => ({ url: '/consent/settings', method: 'PUT', data }),
      transformResponse: (res: UpdateSettings.Response) => res.data,
      invalidatesTags: ['ConsentSettings'],
    }),
    sendConsentTestEmail: builder.mutation<
      SendTestEmail.Response['data'],
      SendTestEmail.Request['body']
    >(postData<SendTestEmail.Response>('/consent/settings/test-email')),
    getConsentWebhooks: builder.query(
      getData<{ data: Webhook[] }>('/admin/webhooks', ['ConsentWebhook'])
    ),
    /** Strapi's update replaces the webhook: its name, url and headers go along unchanged. */
    updateConsentWebhookEvents: builder.mutation<Webhook, { webhook: Webhook; events: string[] }>({
      query: ({ webhook, events }) => ({
        url: `/admin/webhooks/${webhook.id}`,
        method: 'PUT',
        data: { name: webhook.name, url: webhook.url, headers: webhook.headers, events },
      }),
      transformResponse: (res: { data: Webhook }) => res.data,
      invalidatesTags: ['ConsentWebhook'],
    }),
  }),
});

export const {
  useGetConsentSettingsQuery,
  useUpdateConsentSettingsMutation,
  useSendConsentTestEmailMutation,
  useGetConsentWebhooksQuery,
  useUpdateConsentWebhookEventsMutation,
} = settingsApi;
