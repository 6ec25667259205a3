/** Demo purposes and their consent texts in English, Danish and Swedish. */
export const PURPOSES = [
  {
    key: 'service',
    name: 'Sales and service',
    description: 'Bookings, reminders and invoices: needed to deliver what the client asked for.',
    legalBasis: 'contract',
    specialCategory: false,
    marketing: false,
    required: false,
    translations: {
      da: {
        name: 'Salg og service',
        description:
          'Bookinger, påmindelser og fakturaer: nødvendigt for at levere det, kunden har bestilt.',
      },
      sv: {
        name: 'Försäljning och service',
        description:
          'Bokningar, påminnelser och fakturor: nödvändigt för att leverera det kunden har beställt.',
      },
    },
    position: 0,
  },
  {
    key: 'storage',
    name: 'Storage of personal data',
    description: 'Keeping the client card (name, contact details, booking history) between visits.',
    legalBasis: 'consent',
    specialCategory: false,
    marketing: false,
    required: true,
    translations: {
      da: {
        name: 'Opbevaring af personoplysninger',
        description:
          'Kundekortet (navn, kontaktoplysninger, bookinghistorik) gemmes mellem besøgene.',
      },
      sv: {
        name: 'Lagring av personuppgifter',
        description: 'Kundkortet (namn, kontaktuppgifter, bokningshistorik) sparas mellan besöken.',
      },
    },
    position: 1,
  },
  {
    key: 'marketing',
    name: 'E-marketing',
    description: 'Newsletters and offers by email or SMS.',
    legalBasis: 'consent',
    specialCategory: false,
    marketing: true,
    required: false,
    translations: {
      da: { name: 'E-markedsføring', description: 'Nyhedsbreve og tilbud på e-mail eller sms.' },
      sv: {
        name: 'E-marknadsföring',
        description: 'Nyhetsbrev och erbjudanden via e-post eller sms.',
      },
    },
    position: 2,
  },
  {
    key: 'health',
    name: 'Health information',
    description:
      'Allergies and conditions relevant to treatments (a special category, GDPR Art. 9).',
    legalBasis: 'consent',
    specialCategory: true,
    marketing: false,
    required: false,
    specialCategoryKind: 'health',
    translations: {
      da: {
        name: 'Helbredsoplysninger',
        description:
          'Allergier og tilstande, der er relevante for behandlingerne (en særlig kategori, GDPR art. 9).',
      },
      sv: {
        name: 'Hälsouppgifter',
        description:
          'Allergier och tillstånd som är relevanta för behandlingarna (en särskild kategori, GDPR art. 9).',
      },
    },
    position: 3,
  },
] as const;

type Bodies = Record<'en' | 'da' | 'sv', { title: string; text: string }>;

export const TEXTS: Record<string, Bodies> = {
  service: {
    en: {
      title: 'Sales and service',
      text: 'We use your name, contact details and bookings to deliver the treatments you book, send reminders and invoice you. This is necessary for our agreement with you.',
    },
    da: {
      title: 'Salg og service',
      text: 'Vi bruger dit navn, dine kontaktoplysninger og dine bookinger til at levere de behandlinger, du bestiller, sende påmindelser og fakturere dig. Det er nødvendigt for vores aftale med dig.',
    },
    sv: {
      title: 'Försäljning och service',
      text: 'Vi använder ditt namn, dina kontaktuppgifter och dina bokningar för att utföra de behandlingar du bokar, skicka påminnelser och fakturera dig. Det är nödvändigt för vårt avtal med dig.',
    },
  },
  storage: {
    en: {
      title: 'Storage of personal data',
      text: 'I consent to the salon keeping my client card (name, email, phone and booking history) between visits. I can withdraw this consent at any time.',
    },
    da: {
      title: 'Opbevaring af personoplysninger',
      text: 'Jeg giver samtykke til, at salonen opbevarer mit kundekort (navn, e-mail, telefon og bookinghistorik) mellem besøgene. Jeg kan til enhver tid trække samtykket tilbage.',
    },
    sv: {
      title: 'Lagring av personuppgifter',
      text: 'Jag samtycker till att salongen sparar mitt kundkort (namn, e-post, telefon och bokningshistorik) mellan besöken. Jag kan när som helst återkalla samtycket.',
    },
  },
  marketing: {
    en: {
      title: 'News and offers',
      text: 'I would like to receive news and offers from the salon by email or SMS, at most twice a month. I can unsubscribe at any time.',
    },
    da: {
      title: 'Nyheder og tilbud',
      text: 'Jeg vil gerne modtage nyheder og tilbud fra salonen på e-mail eller sms, højst to gange om måneden. Jeg kan til enhver tid afmelde mig.',
    },
    sv: {
      title: 'Nyheter och erbjudanden',
      text: 'Jag vill gärna få nyheter och erbjudanden från salongen via e-post eller sms, högst två gånger i månaden. Jag kan när som helst avregistrera mig.',
    },
  },
  health: {
    en: {
      title: 'Health information',
      text: 'I explicitly consent to the salon recording health information I give (such as allergies or skin conditions) so that treatments are safe for me.',
    },
    da: {
      title: 'Helbredsoplysninger',
      text: 'Jeg giver udtrykkeligt samtykke til, at salonen registrerer de helbredsoplysninger, jeg giver (fx allergier eller hudsygdomme), så behandlingerne er sikre for mig.',
    },
    sv: {
      title: 'Hälsouppgifter',
      text: 'Jag samtycker uttryckligen till att salongen registrerar de hälsouppgifter jag lämnar (till exempel allergier eller hudbesvär) så att behandlingarna är säkra för mig.',
    },
  },
};

/** Version 2.0 of the storage text: a substantive change (a new kind of data is kept). */
export const STORAGE_V2: Bodies = {
  en: {
    title: 'Storage of personal data',
    text: 'I consent to the salon keeping my client card (name, email, phone, booking history and photos of results I approve) between visits. I can withdraw this consent at any time.',
  },
  da: {
    title: 'Opbevaring af personoplysninger',
    text: 'Jeg giver samtykke til, at salonen opbevarer mit kundekort (navn, e-mail, telefon, bookinghistorik og billeder af resultater, som jeg godkender) mellem besøgene. Jeg kan til enhver tid trække samtykket tilbage.',
  },
  sv: {
    title: 'Lagring av personuppgifter',
    text: 'Jag samtycker till att salongen sparar mitt kundkort (namn, e-post, telefon, bokningshistorik och bilder på resultat som jag godkänner) mellan besöken. Jag kan när som helst återkalla samtycket.',
  },
};

/** Version 2.1: an editorial fix of 2.0 (wording only), so 2.0 consents stay valid. */
export const STORAGE_V2_1: Bodies = {
  ...STORAGE_V2,
  en: {
    title: 'Storage of personal data',
    text: 'I consent to the salon keeping my client card (name, email, phone, booking history and photos of results that I approve) between visits. I can withdraw this consent at any time.',
  },
};
