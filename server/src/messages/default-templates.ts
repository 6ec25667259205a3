import type { MessageKind, TemplateSet, Templates } from './types';
import { own } from '../utils/own';

/** The templates a fresh install starts with; editable per locale in Settings. */
export const DEFAULT_TEMPLATES: Templates = {
  en: {
    request: {
      subject: '{{organisation}} asks for your consent',
      body:
        'Hello {{name}},\n\n{{organisation}} asks for your consent to:\n{{purposes}}\n\n' +
        'Read the text and answer here (the link works until {{expiresAt}}):\n{{link}}\n\n' +
        'You can withdraw your consent at any time: {{manageLink}}',
      sms: '{{organisation}} asks for your consent. Read and answer: {{link}}',
    },
    reminder: {
      subject: 'Reminder: {{organisation}} asks for your consent',
      body:
        'Hello {{name}},\n\nWe have not heard from you yet. {{organisation}} asks for your consent to:\n{{purposes}}\n\n' +
        'Answer here before {{expiresAt}}:\n{{link}}\n\nYou can withdraw your consent at any time: {{manageLink}}',
      sms: 'Reminder from {{organisation}}: please answer our consent request: {{link}}',
    },
    information: {
      subject: 'How {{organisation}} handles your personal data',
      body:
        'Hello {{name}},\n\n{{organisation}} has registered you as a client. What we use your contact details and bookings for, and why:\n{{purposes}}\n\n' +
        'See what you have agreed to, and give or withdraw your consent at any time:\n{{link}}',
      sms: '{{organisation}} has registered you as a client. What we store and why: {{link}}',
    },
    confirmation: {
      subject: 'Please confirm your choices with {{organisation}}',
      body:
        'Hello {{name}},\n\nSomeone booked with {{organisation}} using this address and made choices about:\n{{purposes}}\n\n' +
        'If it was you, read the texts and confirm your choices here (the link works until {{expiresAt}}). ' +
        'Nothing changes until you do; if it was not you, ignore this message:\n{{link}}',
      sms: '{{organisation}}: confirm the choices made when booking with your number: {{link}}',
    },
  },
  da: {
    request: {
      subject: '{{organisation}} beder om dit samtykke',
      body:
        'Hej {{name}},\n\n{{organisation}} beder om dit samtykke til følgende:\n{{purposes}}\n\n' +
        'Læs teksten og svar her (linket virker indtil {{expiresAt}}):\n{{link}}\n\n' +
        'Du kan til enhver tid trække dit samtykke tilbage: {{manageLink}}',
      sms: '{{organisation}} beder om dit samtykke. Læs og svar her: {{link}}',
    },
    reminder: {
      subject: 'Påmindelse: {{organisation}} beder om dit samtykke',
      body:
        'Hej {{name}},\n\nVi har endnu ikke hørt fra dig. {{organisation}} beder om dit samtykke til følgende:\n{{purposes}}\n\n' +
        'Svar venligst her senest {{expiresAt}}:\n{{link}}\n\nDu kan til enhver tid trække dit samtykke tilbage: {{manageLink}}',
      sms: 'Påmindelse: {{organisation}} venter på dit svar om samtykke: {{link}}',
    },
    information: {
      subject: 'Sådan behandler {{organisation}} dine personoplysninger',
      body:
        'Hej {{name}},\n\n{{organisation}} har registreret dig som kunde. Det bruger vi dine kontaktoplysninger og bookinger til, og hvorfor:\n{{purposes}}\n\n' +
        'Se, hvad du har givet samtykke til, og giv eller træk dit samtykke tilbage når som helst:\n{{link}}',
      sms: '{{organisation}} har registreret dig som kunde. Hvad vi gemmer og hvorfor: {{link}}',
    },
    confirmation: {
      subject: 'Bekræft dine valg hos {{organisation}}',
      body:
        'Hej {{name}},\n\nNogen har booket hos {{organisation}} med denne adresse og har truffet valg om følgende:\n{{purposes}}\n\n' +
        'Hvis det var dig, kan du læse teksterne og bekræfte dine valg her (linket virker indtil {{expiresAt}}). ' +
        'Intet ændres, før du gør det; hvis det ikke var dig, kan du se bort fra denne besked:\n{{link}}',
      sms: '{{organisation}}: bekræft valgene fra en booking med dit nummer: {{link}}',
    },
  },
  sv: {
    request: {
      subject: '{{organisation}} ber om ditt samtycke',
      body:
        'Hej {{name}},\n\n{{organisation}} ber om ditt samtycke till följande:\n{{purposes}}\n\n' +
        'Läs texten och svara här (länken gäller till {{expiresAt}}):\n{{link}}\n\n' +
        'Du kan när som helst återkalla ditt samtycke: {{manageLink}}',
      sms: '{{organisation}} ber om ditt samtycke. Läs och svara här: {{link}}',
    },
    reminder: {
      subject: 'Påminnelse: {{organisation}} ber om ditt samtycke',
      body:
        'Hej {{name}},\n\nVi har inte hört av dig ännu. {{organisation}} ber om ditt samtycke till följande:\n{{purposes}}\n\n' +
        'Svara här senast {{expiresAt}}:\n{{link}}\n\nDu kan när som helst återkalla ditt samtycke: {{manageLink}}',
      sms: 'Påminnelse: {{organisation}} väntar på ditt svar om samtycke: {{link}}',
    },
    information: {
      subject: 'Så hanterar {{organisation}} dina personuppgifter',
      body:
        'Hej {{name}},\n\n{{organisation}} har registrerat dig som kund. Det här använder vi dina kontaktuppgifter och bokningar till, och varför:\n{{purposes}}\n\n' +
        'Se vad du har samtyckt till, och lämna eller återkalla ditt samtycke när som helst:\n{{link}}',
      sms: '{{organisation}} har registrerat dig som kund. Vad vi sparar och varför: {{link}}',
    },
    confirmation: {
      subject: 'Bekräfta dina val hos {{organisation}}',
      body:
        'Hej {{name}},\n\nNågon har bokat hos {{organisation}} med den här adressen och gjort val om följande:\n{{purposes}}\n\n' +
        'Om det var du kan du läsa texterna och bekräfta dina val här (länken gäller till {{expiresAt}}). ' +
        'Inget ändras förrän du gör det; om det inte var du kan du bortse från meddelandet:\n{{link}}',
      sms: '{{organisation}}: bekräfta valen som gjordes vid bokning med ditt nummer: {{link}}',
    },
  },
};

/**
 * The label of the button that carries {{link}} in the HTML part. Not part of
 * the editable templates: it only repeats what the text around it says.
 */
export const BUTTON_LABELS: Record<string, Record<MessageKind, string>> = {
  en: {
    request: 'Read and answer',
    reminder: 'Read and answer',
    information: 'See your consents',
    confirmation: 'Read and confirm',
  },
  da: {
    request: 'Læs og svar',
    reminder: 'Læs og svar',
    information: 'Se dine samtykker',
    confirmation: 'Læs og bekræft',
  },
  sv: {
    request: 'Läs och svara',
    reminder: 'Läs och svara',
    information: 'Se dina samtycken',
    confirmation: 'Läs och bekräfta',
  },
};

/** The bundled entry for a locale: exact tag, else its language (da-DK -> da), else English. */
const bundled = <T>(table: Record<string, T>, locale: string): T =>
  own(table, locale) ?? own(table, locale.split('-')[0].toLowerCase()) ?? table.en;

/** The default template set for a locale (English where none is bundled). */
export const defaultTemplateSet = (locale: string): TemplateSet =>
  bundled(DEFAULT_TEMPLATES, locale);

export const buttonLabel = (locale: string, kind: MessageKind): string =>
  bundled(BUTTON_LABELS, locale)[kind];
