import type { GetSettings, SendTestEmail, Settings, UpdateSettings } from '../../../server/src/contracts';
import { consentApi, FRESH } from './consentApi';

const settingsApi = consentApi.injectEndpoints({
  endpoints: (builder) => ({
    getConsentSettings: builder.query<Settings, void>({
      query: () => '/consent/settings',
      transformResponse: (res: GetSettings.Response) => res.data,
      providesTags: ['ConsentSettings'],
      ...FRESH,
    }),
    updateConsentSettings: builder.mutation<Settings, UpdateSettings.Request['body']>({
      query: (data) => ({ url: '/consent/settings', method: 'PUT', data }),
      transformResponse: (res: UpdateSettings.Response) => res.data,
      invalidatesTags: ['ConsentSettings'],
    }),
    sendConsentTestEmail: builder.mutation<SendTestEmail.Response['data'], SendTestEmail.Request['body']>({
      query: (data) => ({ url: '/consent/settings/test-email', method: 'POST', data }),
      transformResponse: (res: SendTestEmail.Response) => res.data,
    }),
  }),
});

export const { useGetConsentSettingsQuery, useUpdateConsentSettingsMutation, useSendConsentTestEmailMutation } = settingsApi;
