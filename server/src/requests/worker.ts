import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

export interface TickResult {
  expired: number;
  sent: number;
  reminded: number;
  /** Clients a retention run's batch looked at. */
  retained: number;
}

/**
 * The background loop of one instance: expire lapsed requests, send queued ones,
 * send due reminders, complete finished campaigns. Every step works on claims in
 * the database, so every instance may run it at the same time. It never runs
 * inside an HTTP request: creating a request only wakes the loop.
 */
const worker = ({ strapi }: { strapi: Core.Strapi }) => {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<TickResult> | null = null;
  let again = false;
  let started = false;
  let stopped = false;
  let warnedUnnamed = false;

  const schedule = (ms: number) => {
    if (!started || stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void loop(), ms);
    timer.unref();
  };

  const loop = async () => {
    try {
      await worker.tick();
    } catch (error) {
      // A database restart or a lost connection: log it and try again at the next poll.
      strapi.log.error(
        `[consent] worker: ${error instanceof Error ? error.message : String(error)}`
      );
    }
    schedule(again ? 0 : getService(strapi, 'config').get().worker.pollIntervalMs);
  };

  const worker = {
    start(): void {
      // The strapi-consent command loads the app to verify or seal, not to send.
      if (
        !getService(strapi, 'config').get().worker.enabled ||
        process.env.CONSENT_WORKER_DISABLED === 'true'
      )
        return;
      started = true;
      stopped = false;
      schedule(0);
    },

    /**
     * Stop polling and wait for the batch in hand (its rows are settled, not abandoned),
     * but at most worker.stopTimeoutMs: a mail server or transport that does not answer
     * must not keep the process from stopping (issue 18: it took SIGKILL). Then the rows
     * whose message has not left are released for another instance, and the log says so;
     * rows whose message left keep their lease.
     */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const pass = running;
      if (!pass) return;
      const { stopTimeoutMs } = getService(strapi, 'config').get().worker;
      let waited: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        pass.then(
          () => true,
          () => true
        ),
        new Promise<false>((resolve) => (waited = setTimeout(() => resolve(false), stopTimeoutMs))),
      ]);
      clearTimeout(waited);
      if (finished) return;
      const released = await getService(strapi, 'sender').releaseUnsent(
        null,
        `shutdown: the sending pass did not finish within ${stopTimeoutMs} ms (worker.stopTimeoutMs)`
      );
      strapi.log.warn(
        `[consent] worker: stopped without waiting longer for the pass in hand; ${released} unsent request(s) released, sends still in flight are settled by their lease`
      );
    },

    /** Something was queued: run soon instead of at the next poll. */
    wake(): void {
      if (running) again = true;
      else schedule(0);
    },

    /** One pass of every job; concurrent calls share the pass in progress. */
    async tick(): Promise<TickResult> {
      if (running) {
        again = true;
        return running;
      }
      again = false;
      running = (async () => {
        const result: TickResult = { expired: 0, sent: 0, reminded: 0, retained: 0 };
        result.expired = await getService(strapi, 'expiry').run();
        const sender = getService(strapi, 'sender');
        // Queued rows flow through the send pipeline (utils/send-pipeline): a window of
        // messages at the mail server, refilled per message, the next batch claimed and
        // prepared while the window is still full. A stopping worker claims nothing more
        // but sends what it holds (its rows are settled, not abandoned).
        // No organisation name yet: messages a booking queued (confirmations, information
        // mails) wait until an admin sets one; requests themselves are refused until then.
        const named = (await getService(strapi, 'settings').cached()).sender.organisation.trim();
        if (!named && !warnedUnnamed) {
          strapi.log.warn(
            '[consent] no organisation name in Settings > Consent: messages stay queued until one is set'
          );
        }
        warnedUnnamed = !named;
        if (named) {
          result.sent = await sender.sendDue('send', () => stopped);
          if (!stopped) result.reminded = await sender.sendDue('remind', () => stopped);
        }
        await getService(strapi, 'campaigns').completeFinished();
        // One batch of a retention run per pass (each client erased in its own transaction); more: run again at once.
        if (!stopped) result.retained = await getService(strapi, 'retention').runBatch();
        if (result.retained > 0) again = true;
        // A checkpoint seals the chain heads once per proof.checkpointIntervalMinutes (claimed in the database).
        await getService(strapi, 'checkpoints').sealIfDue();
        return result;
      })();
      try {
        return await running;
      } finally {
        running = null;
      }
    },

    /** Run passes until nothing is due (tests and the CLI use it; the loop does the same over time). */
    async drain(): Promise<TickResult> {
      const total: TickResult = { expired: 0, sent: 0, reminded: 0, retained: 0 };
      for (;;) {
        const r = await this.tick();
        total.expired += r.expired;
        total.sent += r.sent;
        total.reminded += r.reminded;
        total.retained += r.retained;
        if (r.expired + r.sent + r.reminded + r.retained === 0) return total;
      }
    },
  };
  return worker;
};

export default worker;
