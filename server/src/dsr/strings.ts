import type { DsrKind } from '../contracts';

/** Every word of the public request form and its mail, for one locale. */
export interface FormStrings {
  date: (date: Date) => string;
  errorTitlePrefix: string;
  title: (organisation: string) => string;
  intro: string;
  kindLegend: string;
  kinds: Record<DsrKind, { label: string; hint: string }>;
  email: string;
  emailHint: string;
  phone: string;
  details: string;
  detailsHint: string;
  submit: string;
  errorsTitle: string;
  errors: { kind: string; contact: string; email: string; phone: string; details: string };
  sent: { title: string; body: string };
  confirm: { title: string; body: string; button: string };
  done: { title: string; body: (reference: string, due: string) => string };
  mail: {
    subject: (organisation: string) => string;
    body: (link: string, hours: number) => string;
  };
}

const en: FormStrings = {
  date: (date) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Error: ',
  title: (organisation) => `Your data-protection rights at ${organisation}`,
  intro:
    'Use this form to ask us about the personal data we hold about you. We send a link to your address; your request is registered when you open it and confirm. We answer within one month.',
  kindLegend: 'What do you ask for?',
  kinds: {
    access: { label: 'Access', hint: 'A copy of the data we hold about you (Art. 15)' },
    rectification: { label: 'Rectification', hint: 'Correct data that is wrong (Art. 16)' },
    erasure: { label: 'Erasure', hint: 'Delete your data (Art. 17)' },
    restriction: { label: 'Restriction', hint: 'Limit how we use your data (Art. 18)' },
    portability: { label: 'Portability', hint: 'Your data in a machine-readable file (Art. 20)' },
    objection: { label: 'Objection', hint: 'Object to how we use your data (Art. 21)' },
    withdrawal: { label: 'Withdraw consent', hint: 'Withdraw a consent you gave (Art. 7(3))' },
  },
  email: 'Your email address',
  emailHint: 'The address you gave us.',
  phone: 'Or your mobile number',
  details: 'Anything we should know (optional)',
  detailsHint: 'For example which data should be corrected.',
  submit: 'Send request',
  errorsTitle: 'There is a problem',
  errors: {
    kind: 'Choose what you ask for',
    contact: 'Enter your email address or mobile number',
    email: 'Enter an email address like name@example.com',
    phone: 'Enter a mobile number like +45 12 34 56 78',
    details: 'Write at most 2,000 characters',
  },
  sent: {
    title: 'Check your messages',
    body: 'If the address is right, a message with a link is on its way. Open the link to confirm your request. Nothing is registered until you do.',
  },
  confirm: {
    title: 'Confirm your request',
    body: 'Press the button to register your request.',
    button: 'Confirm my request',
  },
  done: {
    title: 'Your request is registered',
    body: (reference, due) =>
      `Your reference is ${reference}. We will answer by ${due} at the latest.`,
  },
  mail: {
    subject: (organisation) => `Confirm your data-protection request to ${organisation}`,
    body: (link, hours) =>
      `We received a data-protection request with this address.\n\nOpen this link to confirm it (valid for ${hours} hours):\n${link}\n\nIf you did not send it, ignore this message: nothing is registered.`,
  },
};

const da: FormStrings = {
  date: (date) => new Intl.DateTimeFormat('da-DK', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Fejl: ',
  title: (organisation) => `Dine rettigheder hos ${organisation}`,
  intro:
    'Brug denne formular til at spørge os om de personoplysninger, vi har om dig. Vi sender et link til din adresse; din anmodning registreres, når du åbner det og bekræfter. Vi svarer inden for en måned.',
  kindLegend: 'Hvad beder du om?',
  kinds: {
    access: { label: 'Indsigt', hint: 'En kopi af de oplysninger, vi har om dig (art. 15)' },
    rectification: { label: 'Berigtigelse', hint: 'Ret forkerte oplysninger (art. 16)' },
    erasure: { label: 'Sletning', hint: 'Slet dine oplysninger (art. 17)' },
    restriction: { label: 'Begrænsning', hint: 'Begræns vores brug af dine oplysninger (art. 18)' },
    portability: {
      label: 'Dataportabilitet',
      hint: 'Dine oplysninger i en maskinlæsbar fil (art. 20)',
    },
    objection: {
      label: 'Indsigelse',
      hint: 'Gør indsigelse mod vores brug af dine oplysninger (art. 21)',
    },
    withdrawal: {
      label: 'Tilbagekald samtykke',
      hint: 'Tilbagekald et samtykke, du har givet (art. 7, stk. 3)',
    },
  },
  email: 'Din e-mailadresse',
  emailHint: 'Den adresse, du har givet os.',
  phone: 'Eller dit mobilnummer',
  details: 'Er der noget, vi skal vide? (valgfrit)',
  detailsHint: 'For eksempel hvilke oplysninger der skal rettes.',
  submit: 'Send anmodning',
  errorsTitle: 'Der er et problem',
  errors: {
    kind: 'Vælg, hvad du beder om',
    contact: 'Skriv din e-mailadresse eller dit mobilnummer',
    email: 'Skriv en e-mailadresse som navn@example.com',
    phone: 'Skriv et mobilnummer som +45 12 34 56 78',
    details: 'Skriv højst 2.000 tegn',
  },
  sent: {
    title: 'Tjek dine beskeder',
    body: 'Hvis adressen er rigtig, er en besked med et link på vej. Åbn linket for at bekræfte din anmodning. Intet registreres, før du gør det.',
  },
  confirm: {
    title: 'Bekræft din anmodning',
    body: 'Tryk på knappen for at registrere din anmodning.',
    button: 'Bekræft min anmodning',
  },
  done: {
    title: 'Din anmodning er registreret',
    body: (reference, due) => `Dit referencenummer er ${reference}. Vi svarer senest ${due}.`,
  },
  mail: {
    subject: (organisation) => `Bekræft din anmodning til ${organisation}`,
    body: (link, hours) =>
      `Vi har modtaget en anmodning om dine rettigheder med denne adresse.\n\nÅbn dette link for at bekræfte den (gyldigt i ${hours} timer):\n${link}\n\nHvis du ikke har sendt den, kan du se bort fra denne besked: intet registreres.`,
  },
};

const sv: FormStrings = {
  date: (date) => new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Fel: ',
  title: (organisation) => `Dina rättigheter hos ${organisation}`,
  intro:
    'Använd formuläret för att fråga oss om de personuppgifter vi har om dig. Vi skickar en länk till din adress; din begäran registreras när du öppnar den och bekräftar. Vi svarar inom en månad.',
  kindLegend: 'Vad begär du?',
  kinds: {
    access: { label: 'Tillgång', hint: 'En kopia av uppgifterna vi har om dig (art. 15)' },
    rectification: { label: 'Rättelse', hint: 'Rätta felaktiga uppgifter (art. 16)' },
    erasure: { label: 'Radering', hint: 'Radera dina uppgifter (art. 17)' },
    restriction: {
      label: 'Begränsning',
      hint: 'Begränsa hur vi använder dina uppgifter (art. 18)',
    },
    portability: {
      label: 'Dataportabilitet',
      hint: 'Dina uppgifter i en maskinläsbar fil (art. 20)',
    },
    objection: { label: 'Invändning', hint: 'Invänd mot hur vi använder dina uppgifter (art. 21)' },
    withdrawal: {
      label: 'Återkalla samtycke',
      hint: 'Återkalla ett samtycke du har gett (art. 7.3)',
    },
  },
  email: 'Din e-postadress',
  emailHint: 'Adressen du har gett oss.',
  phone: 'Eller ditt mobilnummer',
  details: 'Något vi bör veta? (valfritt)',
  detailsHint: 'Till exempel vilka uppgifter som ska rättas.',
  submit: 'Skicka begäran',
  errorsTitle: 'Det finns ett problem',
  errors: {
    kind: 'Välj vad du begär',
    contact: 'Skriv din e-postadress eller ditt mobilnummer',
    email: 'Skriv en e-postadress som namn@example.com',
    phone: 'Skriv ett mobilnummer som +46 70 123 45 67',
    details: 'Skriv högst 2 000 tecken',
  },
  sent: {
    title: 'Kolla dina meddelanden',
    body: 'Om adressen stämmer är ett meddelande med en länk på väg. Öppna länken för att bekräfta din begäran. Inget registreras innan du gör det.',
  },
  confirm: {
    title: 'Bekräfta din begäran',
    body: 'Tryck på knappen för att registrera din begäran.',
    button: 'Bekräfta min begäran',
  },
  done: {
    title: 'Din begäran är registrerad',
    body: (reference, due) => `Ditt referensnummer är ${reference}. Vi svarar senast ${due}.`,
  },
  mail: {
    subject: (organisation) => `Bekräfta din begäran till ${organisation}`,
    body: (link, hours) =>
      `Vi har tagit emot en begäran om dina rättigheter med den här adressen.\n\nÖppna länken för att bekräfta den (giltig i ${hours} timmar):\n${link}\n\nOm du inte har skickat den kan du bortse från meddelandet: inget registreras.`,
  },
};

/** A Map (keys come from request input): an unknown locale gets English. */
const STRINGS = new Map<string, FormStrings>([
  ['en', en],
  ['da', da],
  ['sv', sv],
]);

export const formStrings = (locale: string): FormStrings => STRINGS.get(locale) ?? en;
