import type { MessageKind } from './enums';

export interface MessageTemplate {
  subject: string;
  body: string;
  sms: string;
}

/** Who the consent receipts name as data controller. */
export interface ControllerDetails {
  name: string | null;
  contact: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  country: string | null;
  privacyPolicyUrl: string | null;
}
export const CONTROLLER_FIELDS = [
  'name',
  'contact',
  'email',
  'phone',
  'address',
  'country',
  'privacyPolicyUrl',
] as const satisfies readonly (keyof ControllerDetails)[];

/**
 * A collection point of consents (the desk, a phone call, a web form, a fair stand).
 * An event stores the key as its `source`; the label is what staff see.
 */
export interface ConsentSource {
  /** Stored on events: lower-case letters, digits, `_` and `-`, 1-64 characters. */
  key: string;
  /** The label in the admin panel (1-100 characters). */
  label: string;
  /** The label per admin language (`{ da: 'Skranken' }`); `label` otherwise. */
  labels?: Record<string, string>;
}

/** The list a fresh installation starts with; `desk` is the Register consent dialog's default. */
export const DEFAULT_SOURCES: readonly ConsentSource[] = [
  { key: 'desk', label: 'At the desk', labels: { da: 'I skranken', sv: 'I receptionen' } },
  { key: 'phone', label: 'Phone call', labels: { da: 'Telefonopkald', sv: 'Telefonsamtal' } },
  { key: 'web_form', label: 'Web form', labels: { da: 'Webformular', sv: 'Webbformulär' } },
  { key: 'fair', label: 'Fair or event', labels: { da: 'Messe', sv: 'Mässa' } },
];
/** The source the Register consent dialog picks first when the list holds it. */
export const DEFAULT_SOURCE_KEY = 'desk';
export const SOURCE_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_SOURCES = 50;

export interface Settings {
  requestTtlDays: number;
  reminderDaysBeforeExpiry: number;
  channels: { email: boolean; sms: boolean };
  /** `organisation`: '' until set (activation wizard); requests are refused while it is ''. */
  sender: { from: string | null; replyTo: string | null; organisation: string };
  informationMail: boolean;
  templates: Record<string, Record<MessageKind, MessageTemplate>>;
  controller?: ControllerDetails;
  /** The collection points staff pick from, in this order (an update replaces the whole list). */
  sources: ConsentSource[];
}

/** GET /consent/settings */
export declare namespace GetSettings {
  interface Response {
    data: Settings;
  }
}

/** PUT /consent/settings: a partial body is fine. */
export declare namespace UpdateSettings {
  interface Request {
    body: Partial<Omit<Settings, 'sender'>> & { sender?: Partial<Settings['sender']> };
  }
  interface Response {
    data: Settings;
  }
}

/** POST /consent/settings/test-email: the request template with sample data, subject prefixed `[Test]`. */
export declare namespace SendTestEmail {
  interface Request {
    body: { to: string; locale?: string };
  }
  interface Response {
    data: { sent: true; to: string };
  }
}
