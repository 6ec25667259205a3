/**
 * The send pipeline of one worker pass: claimed batches flow through a sliding
 * window of messages at the mail server, the way a pooled mailer is fed best.
 *
 * - Messages are handed to the provider one by one as earlier ones are accepted,
 *   with at most `window` at the provider at once. A whole batch handed over in
 *   one go blocks the event loop while the SMTP connections wait, and the pool
 *   idles at every batch boundary; a window refilled per message does neither.
 * - The next batch is claimed (and prepared: tokens, rendering) while fewer than
 *   `ahead` batches' worth of messages wait to be handed over, so the window never
 *   runs dry while a claim waits on its SQL.
 * - A batch is settled (its rows written) as soon as its last message is
 *   answered, while later batches keep sending: at most `window` messages are ever
 *   accepted by the mail server and not yet settled, which bounds what a crash can
 *   send twice.
 * - Every send has a deadline (`deadlineMs`): a mail server or a transport that
 *   never answers (issue 18: a pool that lost its connections left every send
 *   pending for good) must not hold the window, the batch's settle, the pass and
 *   the shutdown that waits for it. At the deadline the message counts as
 *   answered, `timedOut` records it as a failed attempt, and whatever the send
 *   does later is ignored.
 *
 * It knows nothing of Strapi or the database: `claim`, `send` and `settle` do.
 */
export interface PipelineBatch<M> {
  messages: M[];
}

export interface PipelineOptions<B extends PipelineBatch<M>, M> {
  /** The next batch, prepared; null when nothing is due. */
  claim(): Promise<B | null>;
  /** Whether another claim after this batch may find more (the claim was full). */
  more(batch: B): boolean;
  /** Hand one message over; resolves when it was accepted or refused (it records a refusal itself). */
  send(message: M, batch: B): Promise<void>;
  /** Write what happened to a batch once all its messages were answered. */
  settle(batch: B): Promise<void>;
  /** Messages at the provider at once (>= 1). */
  window: number;
  /** Batches' worth of messages kept ready behind the window (>= 0; 0: claim only when the window is empty). */
  ahead: number;
  /** True once the pass should claim nothing more (it still sends and settles what it holds). */
  stopped(): boolean;
  /** Longest wait for one send (ms); unset or 0: no deadline. */
  deadlineMs?: number;
  /** A send passed its deadline: record it as failed (its batch is settled without waiting for it). */
  timedOut?(message: M, batch: B): void;
}

/** How many batches and messages went through. The batches themselves are not kept: a pass
 * over a whole campaign would hold every message until its end, in the old generation of
 * the heap, and collecting that made every mail cost more CPU. */
export interface PipelineResult {
  batches: number;
  /** Messages answered, the timed-out ones included. */
  messages: number;
  /** Messages that passed their deadline. */
  timedOut: number;
}

export const runSendPipeline = <B extends PipelineBatch<M>, M>(
  options: PipelineOptions<B, M>
): Promise<PipelineResult> =>
  new Promise((resolve, reject) => {
    const window = Math.max(1, Math.floor(options.window));
    const ready: { message: M; batch: B }[] = [];
    /** Messages of each held batch not yet answered. */
    const open = new Map<B, number>();
    let batches = 0;
    let readyBatches = 0;
    let inFlight = 0;
    let sent = 0;
    let timedOut = 0;
    let claiming = false;
    let exhausted = false;
    let settling = 0;
    let failure: unknown = null;
    let finished = false;

    const fail = (error: unknown) => {
      failure ??= error;
      exhausted = true;
    };

    const finishBatch = (batch: B) => {
      open.delete(batch);
      settling += 1;
      options
        .settle(batch)
        .catch(fail)
        .finally(() => {
          settling -= 1;
          pump();
        });
    };

    const take = (batch: B) => {
      batches += 1;
      if (batch.messages.length === 0) {
        finishBatch(batch);
        return;
      }
      open.set(batch, batch.messages.length);
      for (const message of batch.messages) ready.push({ message, batch });
      readyBatches += 1;
    };

    const claimNext = () => {
      claiming = true;
      options.claim().then(
        (batch) => {
          claiming = false;
          if (!batch) exhausted = true;
          else {
            take(batch);
            if (!options.more(batch)) exhausted = true;
          }
          pump();
        },
        (error) => {
          claiming = false;
          fail(error);
          pump();
        }
      );
    };

    const answered = (batch: B) => {
      inFlight -= 1;
      sent += 1;
      const left = (open.get(batch) ?? 1) - 1;
      if (left === 0) finishBatch(batch);
      else open.set(batch, left);
      pump();
    };

    function pump(): void {
      if (finished) return;
      while (inFlight < window && ready.length > 0) {
        const { message, batch } = ready.shift()!;
        // The last message of a batch leaves the ready list: one batch less is waiting.
        if (ready.length === 0 || ready[0].batch !== batch) readyBatches -= 1;
        inFlight += 1;
        let sending: Promise<void>;
        try {
          sending = options.send(message, batch);
        } catch (error) {
          sending = Promise.reject(error);
        }
        // Answered once: by the send, or by the deadline (a late answer is then ignored).
        let done = false;
        const timer =
          options.deadlineMs && options.deadlineMs > 0
            ? setTimeout(() => {
                if (done) return;
                done = true;
                timedOut += 1;
                try {
                  options.timedOut?.(message, batch);
                } catch (error) {
                  fail(error);
                }
                answered(batch);
              }, options.deadlineMs)
            : null;
        // A deadline alone must not keep a stopping process alive (shutdown gives up on hanging sends).
        timer?.unref();
        sending.then(
          () => {
            if (done) return;
            done = true;
            if (timer) clearTimeout(timer);
            answered(batch);
          },
          (error: unknown) => {
            if (done) return;
            done = true;
            if (timer) clearTimeout(timer);
            fail(error);
            answered(batch);
          }
        );
      }
      const lowOnWork = ready.length === 0 || readyBatches < options.ahead;
      if (!claiming && !exhausted && !options.stopped() && lowOnWork) claimNext();
      if (
        !claiming &&
        ready.length === 0 &&
        inFlight === 0 &&
        settling === 0 &&
        open.size === 0 &&
        (exhausted || options.stopped())
      ) {
        finished = true;
        if (failure) reject(failure);
        else resolve({ batches, messages: sent, timedOut });
      }
    }

    pump();
  });
