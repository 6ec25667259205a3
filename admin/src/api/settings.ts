import type {
  GetSettings,
  SendTestEmail,
  Settings,
  UpdateSettings,
} from '../../../server/src/contracts';
import { consentApi, getData, postData } from './consentApi';

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
  }),
});

export const {
  useGetConsentSettingsQuery,
  useUpdateConsentSettingsMutation,
  useSendConsentTestEmailMutation,
} = settingsApi;
