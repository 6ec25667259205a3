import type { PageStrings } from './types';

const sv: PageStrings = {
  date: (date) => new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Fel: ',
  neutral: {
    title: 'Länken kan inte användas',
    body: 'Länken kan ha gått ut, redan ha använts eller ha kopierats ofullständigt.',
    help: 'Om du vill lämna eller återkalla ditt samtycke, kontakta företaget som skickade länken till dig.',
  },
  tooManyRequests: {
    title: 'Vänta en stund',
    body: 'Det har gjorts för många försök från din anslutning. Försök igen om några minuter.',
  },
  notSaved: {
    title: 'Ditt svar sparades inte',
    body: 'Något gick fel hos oss och ingenting sparades. Gå tillbaka och skicka ditt svar igen om en stund.',
  },
  legalBasis: {
    consent: 'Ditt samtycke: du bestämmer, och du kan när som helst återkalla det.',
    contract: 'Nödvändigt för att leverera det du har bokat eller köpt (avtal).',
    legal_obligation: 'Krävs enligt lag (rättslig förpliktelse).',
    vital_interests: 'Nödvändigt för att skydda någons liv eller hälsa (grundläggande intressen).',
    public_task: 'Nödvändigt för en uppgift av allmänt intresse (allmänt intresse).',
    legitimate_interests:
      'Våra berättigade intressen, som du kan invända mot (berättigat intresse).',
  },
  request: {
    title: (organisation) => `${organisation} ber om ditt samtycke`,
    intro: 'Läs varje text nedan och välj Godkänn eller Avböj. Inget är förvalt.',
    confirmIntro:
      'Du gjorde de här valen när du bokade. Läs varje text, ändra de val du vill och skicka för att bekräfta. Inget gäller förrän du gör det.',
    openUntil: (date) => `Du kan svara fram till ${date}.`,
    version: (version) => `Textversion ${version}`,
    legalBasisLabel: 'Rättslig grund:',
    approve: 'Godkänn',
    decline: 'Avböj',
    explicit: (title) => `Jag lämnar mitt uttryckliga samtycke till ”${title}”.`,
    explicitHint:
      'Det gäller känsliga uppgifter (till exempel hälsa), så för att godkänna behöver du också kryssa i rutan.',
    infoHeading: 'För din information',
    infoIntro:
      'Vi använder också dina uppgifter till följande. Det kräver inte ditt samtycke, så det finns inget att välja.',
    submit: 'Skicka mitt svar',
    withdrawAnyTime:
      'Du kan när som helst återkalla ditt samtycke, lika enkelt som du lämnade det.',
    manageLink: 'Se eller ändra dina val',
    errorSummary: 'Det finns ett problem',
    errorChoose: (title) => `Välj Godkänn eller Avböj för ”${title}”.`,
    errorExplicit: (title) =>
      `För att godkänna ”${title}” behöver du också kryssa i rutan för ditt uttryckliga samtycke, eller välja Avböj.`,
    staleNotice: 'En text har ändrats sedan du öppnade sidan. Läs den igen innan du svarar.',
    staleItem: (title) => `”${title}” har en ny version.`,
  },
  preferences: {
    title: (organisation) => `Dina samtyckesval hos ${organisation}`,
    intro:
      'Här ser du vad du har samtyckt till, kan lämna samtycke till det du vill få och återkalla varje samtycke med ett klick.',
    approved: 'Tack. Ditt svar har sparats.',
    declined: 'Tack. Ditt svar har sparats: du avböjde.',
    withdrawn: (title) => `Ditt samtycke till ”${title}” har återkallats.`,
    unsubscribed: 'Du har avregistrerats från marknadsföringsutskick.',
    status: {
      valid: 'Du har lämnat ditt samtycke.',
      outdated: 'Du samtyckte till en tidigare version av texten.',
      missing: 'Du har inte svarat ännu.',
      refused: 'Du avböjde.',
      withdrawn: 'Du har återkallat ditt samtycke.',
      revoked: 'Ditt samtycke har upphävts av företaget.',
      expired: 'En förfrågan gick ut utan svar.',
      not_required: 'Det här kräver inget samtycke.',
    },
    decided: (version, date) => `Textversion ${version}, ${date}.`,
    withdraw: 'Återkalla samtycke',
    give: 'Lämna samtycke',
    given: (title) => `Tack. Ditt samtycke till ”${title}” har sparats.`,
    explicitMissing: (title) =>
      `För att lämna samtycke till ”${title}” behöver du också kryssa i rutan som bekräftar ditt uttryckliga samtycke.`,
    textChanged: (title) =>
      `Texten för ”${title}” har ändrats sedan du öppnade sidan. Läs den igen innan du väljer.`,
    readText: 'Läs texten',
    openRequest: 'Du har inte svarat på förfrågan ännu.',
    answerRequest: 'Svara på förfrågan',
    nothing: 'Det finns inget att visa.',
    unknownPurpose: 'Valet kunde inte hittas. Inget har ändrats.',
  },
  unsubscribe: {
    title: (organisation) => `Avregistrera dig från marknadsföring från ${organisation}`,
    intro:
      'Du kommer inte längre att få nyheter och erbjudanden. Andra meddelanden, till exempel bokningspåminnelser, påverkas inte.',
    purposesLabel: 'Det gäller:',
    button: 'Avregistrera',
    doneTitle: 'Du är avregistrerad',
    doneBody: 'Du kommer inte längre att få marknadsföring från oss.',
    invalid: 'Avregistreringen var inte fullständig. Använd knappen nedan.',
    manageLink: 'Se eller ändra alla dina val',
  },
};

export default sv;
