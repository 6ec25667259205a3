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

export interface Settings {
  requestTtlDays: number;
  reminderDaysBeforeExpiry: number;
  channels: { email: boolean; sms: boolean };
  /** `organisation`: '' until set (activation wizard); requests are refused while it is ''. */
  sender: { from: string | null; replyTo: string | null; organisation: string };
  informationMail: boolean;
  templates: Record<string, Record<MessageKind, MessageTemplate>>;
  controller?: ControllerDetails;
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
