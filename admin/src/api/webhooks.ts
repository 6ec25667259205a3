import { consentApi, FRESH } from './consentApi';

/** A webhook of Strapi's own webhooks API (/admin/webhooks), as far as the plugin reads it. */
export interface Webhook {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  events: string[];
  isEnabled: boolean;
}

const webhooksApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentWebhooks: builder.query<Webhook[], void>({
      query: () => '/admin/webhooks',
      transformResponse: (res: { data: Webhook[] }) => res.data,
      providesTags: ['ConsentWebhook'],
      ...FRESH,
    }),
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

export const { useGetConsentWebhooksQuery, useUpdateConsentWebhookEventsMutation } = webhooksApi;
