import type { LegalBasis } from '../contracts';
import { own } from '../utils/own';

/**
 * What an information mail says of each purpose, for this client: on what legal basis it
 * is processed, or, for a purpose based on consent, whether the client gave it. A new
 * client must not read that their data is used for everything (issue 21): what they did
 * not consent to is said to be theirs to choose.
 */
interface InformationStrings {
  basis: Record<Exclude<LegalBasis, 'consent'>, string>;
  consented: string;
  notConsented: string;
}

const STRINGS: Record<string, InformationStrings> = {
  en: {
    basis: {
      contract: 'to deliver what you book or buy (contract)',
      legal_obligation: 'because the law requires it (legal obligation)',
      vital_interests: 'to protect someone’s life or health (vital interests)',
      public_task: 'for a task in the public interest (public task)',
      legitimate_interests: 'in our legitimate interest, which you may object to',
    },
    consented: 'with your consent, which you can withdraw at any time',
    notConsented: 'only with your consent, which you have not given: yours to choose',
  },
  da: {
    basis: {
      contract: 'for at levere det, du booker eller køber (kontrakt)',
      legal_obligation: 'fordi loven kræver det (retlig forpligtelse)',
      vital_interests: 'for at beskytte nogens liv eller helbred (vitale interesser)',
      public_task: 'for en opgave i samfundets interesse (offentlig opgave)',
      legitimate_interests: 'ud fra vores legitime interesse, som du kan gøre indsigelse mod',
    },
    consented: 'med dit samtykke, som du til enhver tid kan trække tilbage',
    notConsented: 'kun med dit samtykke, som du ikke har givet: det er dit valg',
  },
  sv: {
    basis: {
      contract: 'för att leverera det du bokar eller köper (avtal)',
      legal_obligation: 'eftersom lagen kräver det (rättslig förpliktelse)',
      vital_interests: 'för att skydda någons liv eller hälsa (grundläggande intressen)',
      public_task: 'för en uppgift av allmänt intresse (allmänt intresse)',
      legitimate_interests: 'utifrån vårt berättigade intresse, som du kan invända mot',
    },
    consented: 'med ditt samtycke, som du när som helst kan återkalla',
    notConsented: 'bara med ditt samtycke, som du inte har lämnat: det är ditt val',
  },
};

/** The line after a purpose's title in an information mail. */
export const informationDetail = (
  locale: string,
  legalBasis: LegalBasis,
  consented: boolean
): string => {
  const strings = own(STRINGS, locale) ?? STRINGS.en;
  if (legalBasis !== 'consent') return strings.basis[legalBasis];
  return consented ? strings.consented : strings.notConsented;
};
