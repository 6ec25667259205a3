import type { PageStrings } from './types';

const en: PageStrings = {
  date: (date) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long' }).format(date),
  errorTitlePrefix: 'Error: ',
  neutral: {
    title: 'This link cannot be used',
    body: 'The link may have expired, already been used, or been copied incompletely.',
    help: 'If you want to give or withdraw consent, contact the business that sent you the link.',
  },
  tooManyRequests: {
    title: 'Please wait a moment',
    body: 'There have been too many attempts from your connection. Try again in a few minutes.',
  },
  notSaved: {
    title: 'Your answer was not saved',
    body: 'Something went wrong on our side and nothing was saved. Go back and send your answer again in a moment.',
  },
  legalBasis: {
    consent: 'Your consent: you decide, and you can withdraw it at any time.',
    contract: 'Necessary to deliver what you have booked or bought (contract).',
    legal_obligation: 'Required by law (legal obligation).',
    vital_interests: 'Necessary to protect someone’s life or health (vital interests).',
    public_task: 'Necessary for a task in the public interest (public task).',
    legitimate_interests:
      'Our legitimate interests, which you may object to (legitimate interests).',
  },
  request: {
    title: (organisation) => `${organisation} asks for your consent`,
    intro: 'Read each text below and choose Approve or Decline. Nothing is chosen for you.',
    confirmIntro:
      'You made these choices when booking. Read each text, change any choice you like, and send to confirm. Nothing counts until you do.',
    openUntil: (date) => `You can answer until ${date}.`,
    version: (version) => `Text version ${version}`,
    legalBasisLabel: 'Legal basis:',
    approve: 'Approve',
    decline: 'Decline',
    explicit: (title) => `I explicitly consent to “${title}”.`,
    explicitHint:
      'This concerns sensitive information (for example health), so approving also needs this tick.',
    infoHeading: 'For your information',
    infoIntro:
      'We also use your information for the following. These do not need your consent, so there is nothing to choose.',
    submit: 'Send my answer',
    withdrawAnyTime: 'You can withdraw your consent at any time, as easily as you gave it.',
    manageLink: 'See or change your choices',
    errorSummary: 'There is a problem',
    errorChoose: (title) => `Choose Approve or Decline for “${title}”.`,
    errorExplicit: (title) =>
      `To approve “${title}”, also tick the box to confirm your explicit consent, or choose Decline.`,
    staleNotice:
      'A text has changed since you opened this page. Please read it again before you answer.',
    staleItem: (title) => `“${title}” has a new version.`,
  },
  preferences: {
    title: (organisation) => `Your consent choices with ${organisation}`,
    intro:
      'Here you can see what you have agreed to, give consent to what you want to receive, and withdraw any consent with one click.',
    approved: 'Thank you. Your answer has been saved.',
    declined: 'Thank you. Your answer has been saved: you declined.',
    withdrawn: (title) => `Your consent to “${title}” has been withdrawn.`,
    unsubscribed: 'You have been unsubscribed from marketing messages.',
    status: {
      valid: 'You have given your consent.',
      outdated: 'You gave consent to an earlier version of this text.',
      missing: 'You have not answered yet.',
      refused: 'You declined.',
      withdrawn: 'You have withdrawn your consent.',
      revoked: 'Your consent has been cancelled by the business.',
      expired: 'A request expired without an answer.',
      not_required: 'No consent is needed for this.',
    },
    decided: (version, date) => `Text version ${version}, ${date}.`,
    withdraw: 'Withdraw consent',
    give: 'Give consent',
    given: (title) => `Thank you. Your consent to “${title}” has been saved.`,
    explicitMissing: (title) =>
      `To give consent to “${title}”, also tick the box to confirm your explicit consent.`,
    textChanged: (title) =>
      `The text of “${title}” has changed since you opened this page. Please read it again before you choose.`,
    readText: 'Read the text',
    openRequest: 'You have not answered the request yet.',
    answerRequest: 'Answer the request',
    nothing: 'There is nothing to show.',
    unknownPurpose: 'That choice could not be found. Nothing was changed.',
  },
  unsubscribe: {
    title: (organisation) => `Unsubscribe from ${organisation}’s marketing messages`,
    intro:
      'You will no longer receive news and offers. Other messages, such as booking reminders, are not affected.',
    purposesLabel: 'This applies to:',
    button: 'Unsubscribe',
    doneTitle: 'You have been unsubscribed',
    doneBody: 'You will no longer receive marketing messages from us.',
    invalid: 'The unsubscribe request was not complete. Use the button below.',
    manageLink: 'See or change all your choices',
  },
};

export default en;
