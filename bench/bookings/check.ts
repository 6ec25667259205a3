/**
 * After the run: what the existing-client bookings left in their schema. Every bench
 * client there was made by one booking with consent (primed: its 2 events recorded)
 * and then named by exactly one more booking from the anonymous page, whose decisions
 * must be held, not recorded: one queued confirmation request per client, holding
 * both decisions, and no event from the second booking.
 */
import { connect } from '../lib';

export interface ExistingCheck {
  /** Bench clients made by priming (one booking with consent each). */
  clients: number;
  /** Bookings of the existing-client variant (second bookings). */
  bookings: number;
  /** Consent events of bench clients (2 per primed booking expected, none from the second). */
  events: number;
  /** Open confirmation requests (`origin` set) of bench clients, and of how many clients. */
  confirmations: number;
  confirmedClients: number;
  /** Decisions held in those requests. */
  heldDecisions: number;
  ok: boolean;
}

export const checkExisting = async (
  schema: string,
  primed: number,
  used: number
): Promise<ExistingCheck> => {
  const db = await connect(schema);
  try {
    const one = async (sql: string) => Number((await db.query(sql)).rows[0].n);
    const bench = `SELECT document_id FROM clients WHERE email LIKE 'bench.%'`;
    const clients = await one(`SELECT count(*) AS n FROM clients WHERE email LIKE 'bench.%'`);
    const bookings = await one(
      `SELECT count(*) - ${clients} AS n FROM bookings b JOIN bookings_client_lnk l ON l.booking_id = b.id
       JOIN clients c ON c.id = l.client_id WHERE c.email LIKE 'bench.%'`
    );
    const events = await one(
      `SELECT count(*) AS n FROM consent_events WHERE subject IN (${bench})`
    );
    const open = `FROM consent_requests WHERE subject IN (${bench}) AND kind = 'consent' AND origin IS NOT NULL AND status = 'queued'`;
    const confirmations = await one(`SELECT count(*) AS n ${open}`);
    const confirmedClients = await one(`SELECT count(DISTINCT subject) AS n ${open}`);
    const heldDecisions = await one(
      `SELECT coalesce(sum(jsonb_array_length((pending::jsonb) -> 'decisions')), 0) AS n ${open}`
    );
    const ok =
      clients === primed &&
      bookings === used &&
      events === 2 * primed &&
      confirmations === used &&
      confirmedClients === used &&
      heldDecisions === 2 * used;
    return { clients, bookings, events, confirmations, confirmedClients, heldDecisions, ok };
  } finally {
    await db.end();
  }
};
