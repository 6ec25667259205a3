import bookings from './bookings';
import campaigns from './campaigns';
import consentPage from './consent-page';
import me from './me';
import purposes from './purposes';
import requests from './requests';
import settings from './settings';
import subjects from './subjects';
import texts from './texts';

export default { bookings, campaigns, 'consent-page': consentPage, me, purposes, requests, settings, subjects, texts };
