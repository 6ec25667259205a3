import type { SpecialCategoryKind } from '../contracts';

/** The special categories of GDPR Art. 9(1), in the Regulation's own words (receipts name them). */
export const SPECIAL_CATEGORY_LABELS: Record<SpecialCategoryKind, string> = {
  health: 'data concerning health',
  genetic: 'genetic data',
  biometric: 'biometric data for the purpose of uniquely identifying a natural person',
  racial_or_ethnic_origin: 'personal data revealing racial or ethnic origin',
  political_opinions: 'personal data revealing political opinions',
  religious_or_philosophical_beliefs: 'personal data revealing religious or philosophical beliefs',
  trade_union_membership: 'personal data revealing trade union membership',
  sex_life_or_sexual_orientation:
    "data concerning a natural person's sex life or sexual orientation",
};

/**
 * What a receipt says a special-category purpose processes: its Art. 9(1) category when
 * the purpose names one, else that it is special-category data of a kind not stated.
 */
export const specialCategoryLabel = (kind: SpecialCategoryKind | null | undefined): string =>
  kind ? SPECIAL_CATEGORY_LABELS[kind] : 'special category data (GDPR Art. 9(1)), kind not stated';
