import audit from './audit';
import bookings from './bookings';
import campaigns from './campaigns';
import clients from './clients';
import consentPage from './consent-page';
import hostConfig from './host-config';
import me from './me';
import purposes from './purposes';
import requests from './requests';
import settings from './settings';
import subjects from './subjects';
import texts from './texts';
import proof from './proof';

export default { audit, bookings, campaigns, clients, 'consent-page': consentPage, 'host-config': hostConfig, me, purposes, requests, settings, subjects, texts, proof };
