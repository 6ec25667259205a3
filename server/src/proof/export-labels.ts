import { own } from '../utils/own';
import type { EXPORT_FIELDS } from './history-export';

/** The cross-subject export (events of one source) adds the client's column. */
type Field = (typeof EXPORT_FIELDS)[number] | 'subject';

/**
 * The column headings of the XLSX history export, in the workbook's language: a workbook is
 * read by people (a client asking for their data, an authority). CSV and JSON keep the field
 * keys: they are read by programs.
 */
const LABELS: Record<string, Record<Field, string>> = {
  en: {
    subject: 'Client',
    id: 'Event no.',
    documentId: 'Event id',
    occurredAt: 'Time (UTC)',
    purposeKey: 'Purpose',
    decision: 'Decision',
    explicit: 'Explicit consent',
    textVersion: 'Text version',
    textHash: 'Text SHA-256',
    textLocale: 'Text language',
    textId: 'Text id',
    channel: 'Channel',
    source: 'Source',
    actorType: 'Decided by',
    actorId: 'Recorded by (id)',
    actorName: 'Recorded by',
    ip: 'IP address',
    userAgent: 'Browser (user agent)',
    bookingId: 'Booking',
    requestId: 'Request',
    note: 'Note',
  },
  da: {
    subject: 'Klient',
    id: 'Hændelse nr.',
    documentId: 'Hændelses-id',
    occurredAt: 'Tidspunkt (UTC)',
    purposeKey: 'Formål',
    decision: 'Beslutning',
    explicit: 'Udtrykkeligt samtykke',
    textVersion: 'Tekstversion',
    textHash: 'Tekst SHA-256',
    textLocale: 'Tekstens sprog',
    textId: 'Tekst-id',
    channel: 'Kanal',
    source: 'Kilde',
    actorType: 'Besluttet af',
    actorId: 'Registreret af (id)',
    actorName: 'Registreret af',
    ip: 'IP-adresse',
    userAgent: 'Browser (user agent)',
    bookingId: 'Booking',
    requestId: 'Anmodning',
    note: 'Note',
  },
  sv: {
    subject: 'Klient',
    id: 'Händelse nr',
    documentId: 'Händelse-id',
    occurredAt: 'Tidpunkt (UTC)',
    purposeKey: 'Ändamål',
    decision: 'Beslut',
    explicit: 'Uttryckligt samtycke',
    textVersion: 'Textversion',
    textHash: 'Text SHA-256',
    textLocale: 'Textens språk',
    textId: 'Text-id',
    channel: 'Kanal',
    source: 'Källa',
    actorType: 'Beslutat av',
    actorId: 'Registrerat av (id)',
    actorName: 'Registrerat av',
    ip: 'IP-adress',
    userAgent: 'Webbläsare (user agent)',
    bookingId: 'Bokning',
    requestId: 'Förfrågan',
    note: 'Anteckning',
  },
};

/** The headings for `locale` (English for a language without its own). */
export const exportLabels = (locale: string, fields: readonly Field[]): string[] => {
  const labels = own(LABELS, locale) ?? LABELS.en;
  return fields.map((field) => labels[field]);
};
