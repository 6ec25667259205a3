import type { PageStrings } from './types';

const da: PageStrings = {
  date: (date) => new Intl.DateTimeFormat('da-DK', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Fejl: ',
  neutral: {
    title: 'Linket kan ikke bruges',
    body: 'Linket kan være udløbet, allerede brugt eller kopieret ufuldstændigt.',
    help: 'Hvis du vil give eller trække dit samtykke tilbage, så kontakt den virksomhed, der sendte dig linket.',
  },
  tooManyRequests: {
    title: 'Vent et øjeblik',
    body: 'Der har været for mange forsøg fra din forbindelse. Prøv igen om et par minutter.',
  },
  notSaved: {
    title: 'Dit svar blev ikke gemt',
    body: 'Der gik noget galt hos os, og intet blev gemt. Gå tilbage og send dit svar igen om et øjeblik.',
  },
  legalBasis: {
    consent: 'Dit samtykke: du bestemmer, og du kan til enhver tid trække det tilbage.',
    contract: 'Nødvendigt for at levere det, du har booket eller købt (aftale).',
    legal_obligation: 'Krævet af loven (retlig forpligtelse).',
    vital_interests: 'Nødvendigt for at beskytte nogens liv eller helbred (vitale interesser).',
    public_task: 'Nødvendigt for en opgave i samfundets interesse (offentlig opgave).',
    legitimate_interests:
      'Vores legitime interesser, som du kan gøre indsigelse mod (legitime interesser).',
  },
  request: {
    title: (organisation) => `${organisation} beder om dit samtykke`,
    intro: 'Læs hver tekst nedenfor, og vælg Godkend eller Afvis. Intet er valgt på forhånd.',
    confirmIntro:
      'Du traf disse valg, da du bookede. Læs hver tekst, ret de valg, du vil, og send for at bekræfte. Intet gælder, før du gør det.',
    openUntil: (date) => `Du kan svare indtil ${date}.`,
    version: (version) => `Tekstversion ${version}`,
    legalBasisLabel: 'Retsgrundlag:',
    approve: 'Godkend',
    decline: 'Afvis',
    explicit: (title) => `Jeg giver udtrykkeligt samtykke til „${title}“.`,
    explicitHint:
      'Det drejer sig om følsomme oplysninger (fx helbred), så en godkendelse kræver også dette flueben.',
    infoHeading: 'Til din orientering',
    infoIntro:
      'Vi bruger også dine oplysninger til følgende. Det kræver ikke dit samtykke, så der er intet at vælge.',
    submit: 'Send mit svar',
    withdrawAnyTime:
      'Du kan til enhver tid trække dit samtykke tilbage, lige så nemt som du gav det.',
    manageLink: 'Se eller ændr dine valg',
    errorSummary: 'Der er et problem',
    errorChoose: (title) => `Vælg Godkend eller Afvis for „${title}“.`,
    errorExplicit: (title) =>
      `For at godkende „${title}“ skal du også sætte flueben for dit udtrykkelige samtykke eller vælge Afvis.`,
    staleNotice: 'En tekst er blevet ændret, siden du åbnede siden. Læs den igen, før du svarer.',
    staleItem: (title) => `„${title}“ har en ny version.`,
  },
  preferences: {
    title: (organisation) => `Dine samtykkevalg hos ${organisation}`,
    intro:
      'Her kan du se, hvad du har givet samtykke til, give samtykke til det, du gerne vil modtage, og trække ethvert samtykke tilbage med ét klik.',
    approved: 'Tak. Dit svar er gemt.',
    declined: 'Tak. Dit svar er gemt: du har afvist.',
    withdrawn: (title) => `Dit samtykke til „${title}“ er trukket tilbage.`,
    unsubscribed: 'Du er afmeldt markedsføringsbeskeder.',
    status: {
      valid: 'Du har givet dit samtykke.',
      outdated: 'Du gav samtykke til en tidligere version af teksten.',
      missing: 'Du har ikke svaret endnu.',
      refused: 'Du har afvist.',
      withdrawn: 'Du har trukket dit samtykke tilbage.',
      revoked: 'Dit samtykke er annulleret af virksomheden.',
      expired: 'En anmodning udløb uden svar.',
      not_required: 'Det kræver ikke samtykke.',
    },
    decided: (version, date) => `Tekstversion ${version}, ${date}.`,
    withdraw: 'Træk samtykke tilbage',
    give: 'Giv samtykke',
    given: (title) => `Tak. Dit samtykke til „${title}“ er gemt.`,
    explicitMissing: (title) =>
      `For at give samtykke til „${title}“ skal du også sætte kryds for at bekræfte dit udtrykkelige samtykke.`,
    textChanged: (title) =>
      `Teksten til „${title}“ er ændret, siden du åbnede siden. Læs den igen, før du vælger.`,
    readText: 'Læs teksten',
    openRequest: 'Du har ikke svaret på anmodningen endnu.',
    answerRequest: 'Svar på anmodningen',
    nothing: 'Der er intet at vise.',
    unknownPurpose: 'Valget blev ikke fundet. Intet er ændret.',
  },
  unsubscribe: {
    title: (organisation) => `Afmeld markedsføring fra ${organisation}`,
    intro:
      'Du vil ikke længere modtage nyheder og tilbud. Andre beskeder, fx påmindelser om bookinger, berøres ikke.',
    purposesLabel: 'Det gælder:',
    button: 'Afmeld',
    doneTitle: 'Du er afmeldt',
    doneBody: 'Du vil ikke længere modtage markedsføringsbeskeder fra os.',
    invalid: 'Afmeldingen var ikke fuldstændig. Brug knappen nedenfor.',
    manageLink: 'Se eller ændr alle dine valg',
  },
};

export default da;
