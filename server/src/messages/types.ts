/**
 * What a message is for: a consent request, its reminder, the Art. 13 information mail,
 * or the confirmation of decisions made on a public booking page (services/confirmations.ts).
 */
export const MESSAGE_KINDS = ['request', 'reminder', 'information', 'confirmation'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * One editable template. Placeholders: {{name}}, {{organisation}}, {{purposes}},
 * {{link}} (the request page, or the preference page for information mails),
 * {{manageLink}}, {{expiresAt}}. Values are HTML-escaped in the HTML part.
 */
export interface MessageTemplate {
  subject: string;
  /** Plain text; the HTML part is made from it (escaped, paragraphs, links). */
  body: string;
  /** The SMS text (short; must contain {{link}}). */
  sms: string;
}

export type TemplateSet = Record<MessageKind, MessageTemplate>;
/** Templates per locale (e.g. en, da, sv). */
export type Templates = Record<string, TemplateSet>;

/** A message ready to send: the email parts, and the SMS text for the SMS channel. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  sms: string;
  /** Extra email headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>;
}

/** What rendering a message needs. */
export interface MessageInput {
  kind: MessageKind;
  locale: string;
  name: string | null;
  organisation: string;
  /**
   * The purposes the message is about. `detail`, when set, follows the title in the
   * list (information mails: the legal basis, or whether this client consented).
   */
  purposes: { key: string; name: string; title: string; marketing: boolean; detail?: string }[];
  links: { respond: string | null; manage: string; unsubscribe: string | null };
  expiresAt: Date | null;
  /** IANA time zone {{expiresAt}} is shown in (e.g. Europe/Copenhagen); UTC when absent. */
  timeZone?: string;
}
