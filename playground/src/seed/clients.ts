const FIRST = [
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
const LAST = [
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
const LANGUAGES = ['da', 'sv', 'en'] as const;
const SERVICES = ['Haircut', 'Colouring', 'Facial treatment', 'Manicure', 'Massage 60 min'];

export interface DemoClient {
  name: string;
  email: string | null;
  phone: string | null;
  language: (typeof LANGUAGES)[number];
}

/** 50 deterministic demo clients; a few have only a phone, one has no contact details at all. */
export const demoClients = (): DemoClient[] =>
  Array.from({ length: 50 }, (_, i) => {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const phoneOnly = i % 12 === 5;
    const noContact = i === 47;
    return {
      name: `${first} ${last}`,
      email: phoneOnly || noContact ? null : `${first}.${last}.${i}@example.com`.toLowerCase(),
      phone: noContact ? null : `+45 ${String(20000000 + i * 7919).slice(0, 8)}`,
      language: LANGUAGES[i % LANGUAGES.length],
    };
  });

export const demoService = (i: number): string => SERVICES[i % SERVICES.length];
