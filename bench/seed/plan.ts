/**
 * The bench seed's plan: the profiles of the mixes (which events each client
 * gets and the status the plugin must then report), and the SQL pieces the
 * set-based inserts are built from.
 */
import { foldEvents, type Decision } from '../../server/src/domain/state-machine';

export type TextKind = 'storage_cur' | 'storage_old' | 'marketing_cur' | 'health_cur';
export type Status = 'valid' | 'outdated' | 'refused' | 'withdrawn' | 'missing';

export interface PlannedEvent {
  purpose: 'storage' | 'marketing' | 'health';
  decision: Decision;
  text: TextKind;
  explicit?: boolean;
}

export interface Profile {
  /** What the plugin must report for the subject (forSubject().status). */
  status: Status;
  /** The subject's events, oldest first. */
  events: PlannedEvent[];
}

const STORAGE_GIVEN: PlannedEvent = { purpose: 'storage', decision: 'given', text: 'storage_cur' };

/** The default mix: 20 profiles, indexed by i % 20. */
const DEFAULT_PROFILES: Profile[] = Array.from({ length: 20 }, (_, b): Profile => {
  if (b <= 11) {
    return {
      status: 'valid',
      events: [
        STORAGE_GIVEN,
        {
          purpose: 'marketing',
          decision: b % 2 === 0 ? 'given' : 'refused',
          text: 'marketing_cur',
        },
        ...(b % 5 === 0
          ? [
              {
                purpose: 'health',
                decision: 'given',
                text: 'health_cur',
                explicit: true,
              } as PlannedEvent,
            ]
          : []),
      ],
    };
  }
  if (b <= 14) {
    return {
      status: 'outdated',
      events: [
        { purpose: 'storage', decision: 'given', text: 'storage_old' },
        ...(b === 12
          ? [{ purpose: 'marketing', decision: 'given', text: 'marketing_cur' } as PlannedEvent]
          : []),
      ],
    };
  }
  if (b === 15)
    return {
      status: 'refused',
      events: [{ purpose: 'storage', decision: 'refused', text: 'storage_cur' }],
    };
  if (b === 16) {
    return {
      status: 'withdrawn',
      events: [STORAGE_GIVEN, { purpose: 'storage', decision: 'withdrawn', text: 'storage_cur' }],
    };
  }
  return { status: 'missing', events: [] };
});

export const MIXES = {
  default: DEFAULT_PROFILES,
  'mostly-valid': Array.from({ length: 100 }, (_, b) =>
    b === 99 ? DEFAULT_PROFILES[13] : DEFAULT_PROFILES[b % 12]
  ),
  /**
   * Most clients without valid consent (a shop that just started asking), by i % 20:
   * 20 % valid, 15 % outdated, 5 % refused, 5 % withdrawn, 55 % no decision.
   */
  'mostly-invalid': Array.from({ length: 20 }, (_, b) =>
    b <= 3
      ? DEFAULT_PROFILES[b]
      : b <= 6
        ? DEFAULT_PROFILES[12 + b - 4]
        : b === 7
          ? DEFAULT_PROFILES[15]
          : b === 8
            ? DEFAULT_PROFILES[16]
            : DEFAULT_PROFILES[17]
  ),
} satisfies Record<string, Profile[]>;
export type MixName = keyof typeof MIXES;

/** Event id slots per client: client i's k-th event gets id base + (i - 1) * SLOTS + k. */
export const SLOTS = 4;

/**
 * One row per planned event, with `is_state` = the event is the state in force
 * for its (subject, purpose): decided by the plugin's own fold (domain/state-machine).
 */
export const profileRows = (profiles: Profile[]) =>
  profiles.flatMap((profile, bucket) => {
    const events = profile.events.map((e, k) => ({
      ...e,
      id: k + 1,
      occurredAt: k + 1,
      textMajor: 0,
      explicit: e.explicit === true,
    }));
    const inForce = new Set(
      ['storage', 'marketing', 'health'].flatMap((purpose) => {
        const state = foldEvents(events.filter((e) => e.purpose === purpose));
        return state ? [state.event.id] : [];
      })
    );
    return events.map((e) => ({
      bucket,
      slot: e.id,
      purpose: e.purpose,
      decision: e.decision,
      explicit: e.explicit,
      text: e.text,
      isState: inForce.has(e.id),
    }));
  });

export const literal = (value: string | number | boolean) =>
  typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);

export const FIRST = [
  'Anna',
  'Mette',
  'Lars',
  'Sofie',
  'Erik',
  'Ingrid',
  'Mads',
  'Karin',
  'Johan',
  'Freja',
  'Nils',
  'Astrid',
  'Oskar',
  'Maja',
  'Henrik',
  'Elin',
  'Rasmus',
  'Ida',
  'Peter',
  'Linnea',
  'Jonas',
  'Sara',
  'Magnus',
  'Emma',
  'Anders',
];
export const LAST = [
  'Jensen',
  'Nielsen',
  'Hansen',
  'Andersson',
  'Johansson',
  'Karlsson',
  'Pedersen',
  'Larsen',
  'Lindqvist',
  'Berg',
];
export const sqlArray = (values: string[]) => `ARRAY[${values.map(literal).join(', ')}]`;

/** SQL expression of bench client i's document id: random-looking like Strapi's, starting with a letter. */
export const clientDocumentIdSql = (i: string) =>
  `'b' || substr(md5('bench-client-' || ${i}), 1, 23)`;
export const languageSql = (i: string) => `(ARRAY['da', 'sv', 'en'])[1 + ${i} % 3]`;
