import audit from './audit';
import bookings from './bookings';
import campaigns from './campaigns';
import clients from './clients';
import consentPage from './consent-page';
import dataRights from './data-rights';
import events from './events';
import hostConfig from './host-config';
import me from './me';
import purposes from './purposes';
import requests from './requests';
import settings from './settings';
import subjects from './subjects';
import texts from './texts';
import proof from './proof';
import erasure from './erasure';
import frontEnd from './front-end';
import imports from './imports';
import retention from './retention';
import demoTime from './demo-time';
import dsr from './dsr';
import dsrForm from './dsr-form';

export default {
  audit,
  bookings,
  campaigns,
  clients,
  'consent-page': consentPage,
  'data-rights': dataRights,
  events,
  'host-config': hostConfig,
  me,
  purposes,
  requests,
  settings,
  subjects,
  texts,
  proof,
  erasure,
  'front-end': frontEnd,
  imports,
  retention,
  'demo-time': demoTime,
  dsr,
  'dsr-form': dsrForm,
};
