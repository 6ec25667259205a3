import fc from 'fast-check';
import { runSendPipeline } from '../../server/src/utils/send-pipeline';

interface Batch {
  id: number;
  messages: { batch: number; index: number }[];
  full: boolean;
}

/** A delay that never ends: the send neither resolves nor rejects (a transport that lost its connections). */
const NEVER = -1;

/**
 * A queue of `sizes.length` batches behind a mail server that answers each
 * message after `delays[i]` ms (0: in the same turn; NEVER: not at all); records
 * what the pipeline does so the properties below can be checked.
 */
const simulate = async (options: {
  sizes: number[];
  delays: number[];
  window: number;
  ahead: number;
  failClaimAt?: number;
  failSettleOf?: number;
  stopAfterClaims?: number;
  deadlineMs?: number;
}) => {
  const log = {
    sent: [] as string[],
    settled: [] as number[],
    claims: 0,
    maxInFlight: 0,
    maxHeldUnsettled: 0,
    settledBeforeAllAnswered: [] as number[],
    /** Per batch, the messages answered (by the server or, for the pipeline, by the deadline). */
    answered: new Map<number, Set<number>>(),
    /** Messages whose send never settles, and those the pipeline reported timed out. */
    hung: [] as string[],
    timedOut: [] as string[],
  };
  let inFlight = 0;
  const held = new Set<number>();
  let sendNo = 0;
  const answer = (message: Batch['messages'][number]) => {
    const set = log.answered.get(message.batch) ?? new Set<number>();
    set.add(message.index);
    log.answered.set(message.batch, set);
  };
  const result = runSendPipeline<Batch, Batch['messages'][number]>({
    claim: async () => {
      const n = log.claims;
      log.claims += 1;
      await new Promise((r) => setTimeout(r, n % 3));
      if (options.failClaimAt === n) throw new Error('database down');
      if (n >= options.sizes.length) return null;
      held.add(n);
      log.maxHeldUnsettled = Math.max(log.maxHeldUnsettled, held.size);
      return {
        id: n,
        messages: Array.from({ length: options.sizes[n] }, (_, index) => ({ batch: n, index })),
        full: n < options.sizes.length - 1,
      };
    },
    more: (batch) => batch.full,
    send: async (message) => {
      inFlight += 1;
      log.maxInFlight = Math.max(log.maxInFlight, inFlight);
      log.sent.push(`${message.batch}.${message.index}`);
      const delay = options.delays[sendNo++ % options.delays.length];
      if (delay === NEVER) {
        log.hung.push(`${message.batch}.${message.index}`);
        await new Promise<never>(() => undefined);
      }
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      else await Promise.resolve();
      if (log.timedOut.includes(`${message.batch}.${message.index}`)) return; // answered late: the pipeline gave up on it
      inFlight -= 1;
      answer(message);
    },
    settle: async (batch) => {
      if ((log.answered.get(batch.id)?.size ?? 0) !== batch.messages.length)
        log.settledBeforeAllAnswered.push(batch.id);
      await new Promise((r) => setTimeout(r, 1));
      held.delete(batch.id);
      if (options.failSettleOf === batch.id) throw new Error('settle failed');
      log.settled.push(batch.id);
    },
    window: options.window,
    ahead: options.ahead,
    stopped: () => options.stopAfterClaims !== undefined && log.claims >= options.stopAfterClaims,
    deadlineMs: options.deadlineMs,
    timedOut: (message) => {
      // The pipeline gave up on it: it no longer counts against the window.
      inFlight -= 1;
      log.timedOut.push(`${message.batch}.${message.index}`);
      answer(message);
    },
  });
  return { result, log };
};

const arbitrary = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 8 }),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
  window: fc.integer({ min: 1, max: 10 }),
  ahead: fc.integer({ min: 0, max: 3 }),
});

/** As `arbitrary`, with sends that never settle among the delays, and a deadline. */
const hanging = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 8 }),
  delays: fc.array(fc.oneof(fc.constant(NEVER), fc.integer({ min: 0, max: 3 })), {
    minLength: 1,
    maxLength: 6,
  }),
  window: fc.integer({ min: 1, max: 10 }),
  ahead: fc.integer({ min: 0, max: 3 }),
  deadlineMs: fc.integer({ min: 1, max: 8 }),
});

describe('send pipeline', () => {
  it('sends every claimed message exactly once, settles every batch once and only after all its messages were answered', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        const { result, log } = await simulate(input);
        const { batches, messages } = await result;
        const total = input.sizes.reduce((a, b) => a + b, 0);
        expect(messages).toBe(total);
        expect(log.sent).toHaveLength(total);
        expect(new Set(log.sent).size).toBe(total);
        expect(batches).toBe(input.sizes.length);
        expect([...log.settled].sort((a, b) => a - b)).toEqual(input.sizes.map((_, i) => i));
        expect(log.settledBeforeAllAnswered).toEqual([]);
        // Claims stop at the first batch that was not full (the last one), or at the empty answer.
        expect(log.claims).toBe(Math.max(input.sizes.length, 1));
      }),
      { numRuns: 150 }
    );
  });

  it('never has more than `window` messages at the mail server at once', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        const { result, log } = await simulate(input);
        await result;
        expect(log.maxInFlight).toBeLessThanOrEqual(input.window);
      }),
      { numRuns: 100 }
    );
  });

  it('keeps the window full across batch boundaries (the next batch is ready before the window drains)', async () => {
    // 5 batches of 10, window 10, one batch ahead, a slow server: after the first batch
    // the window is refilled from the next batch while earlier messages are still out.
    const { result, log } = await simulate({
      sizes: [10, 10, 10, 10, 10],
      delays: [5],
      window: 10,
      ahead: 1,
    });
    await result;
    expect(log.maxInFlight).toBe(10);
    expect(log.sent).toHaveLength(50);
  });

  it('claims ahead by at most `ahead` batches beyond the one being handed over', async () => {
    const { result, log } = await simulate({
      sizes: Array(8).fill(5),
      delays: [4],
      window: 5,
      ahead: 1,
    });
    await result;
    // One batch at the server (and settling), one being handed over, one claimed ahead.
    expect(log.maxHeldUnsettled).toBeLessThanOrEqual(3);
    const noAhead = await simulate({ sizes: Array(8).fill(5), delays: [4], window: 5, ahead: 0 });
    await noAhead.result;
    expect(noAhead.log.maxHeldUnsettled).toBeLessThanOrEqual(2);
  });

  it('a failing claim stops claiming but sends and settles what is held, then rejects', async () => {
    const { result, log } = await simulate({
      sizes: [4, 4, 4, 4],
      delays: [1, 0],
      window: 3,
      ahead: 1,
      failClaimAt: 2,
    });
    await expect(result).rejects.toThrow('database down');
    expect(log.sent).toHaveLength(8);
    expect(log.settled.sort()).toEqual([0, 1]);
  });

  it('a failing settle does not stop the other batches; the pass rejects at the end', async () => {
    const { result, log } = await simulate({
      sizes: [3, 3, 3],
      delays: [0, 1],
      window: 2,
      ahead: 1,
      failSettleOf: 0,
    });
    await expect(result).rejects.toThrow('settle failed');
    expect(log.sent.length).toBeGreaterThanOrEqual(3);
    expect(log.settled).not.toContain(0);
  });

  it('a stopping pass claims nothing more and finishes what it holds', async () => {
    const { result, log } = await simulate({
      sizes: [4, 4, 4, 4, 4],
      delays: [1],
      window: 4,
      ahead: 1,
      stopAfterClaims: 2,
    });
    const { messages } = await result;
    expect(log.claims).toBe(2);
    expect(messages).toBe(8);
    expect(log.settled.sort()).toEqual([0, 1]);
  });

  it('an empty queue resolves at once with nothing sent', async () => {
    const { result, log } = await simulate({ sizes: [], delays: [0], window: 5, ahead: 1 });
    await expect(result).resolves.toEqual({ batches: 0, messages: 0, timedOut: 0 });
    expect(log.claims).toBe(1);
  });

  describe('sends that never settle', () => {
    it('with a deadline: every message is answered once (sent or timed out), every batch settled, the pass ends', async () => {
      await fc.assert(
        fc.asyncProperty(hanging, async (input) => {
          const { result, log } = await simulate(input);
          const { batches, messages, timedOut } = await result;
          const total = input.sizes.reduce((a, b) => a + b, 0);
          expect(messages).toBe(total);
          expect(new Set(log.sent).size).toBe(total);
          expect(batches).toBe(input.sizes.length);
          // Exactly the sends that never settled timed out (a slow one, 3 ms, may too when the deadline is shorter).
          expect(log.timedOut).toEqual(expect.arrayContaining(log.hung));
          expect(timedOut).toBe(log.timedOut.length);
          expect(new Set(log.timedOut).size).toBe(log.timedOut.length);
          expect([...log.settled].sort((a, b) => a - b)).toEqual(input.sizes.map((_, i) => i));
          expect(log.settledBeforeAllAnswered).toEqual([]);
        }),
        { numRuns: 150 }
      );
    });

    it('with a deadline: at most `window` sends the pipeline still waits for', async () => {
      await fc.assert(
        fc.asyncProperty(hanging, async (input) => {
          const { result, log } = await simulate(input);
          await result;
          expect(log.maxInFlight).toBeLessThanOrEqual(input.window);
        }),
        { numRuns: 100 }
      );
    });

    it('with a deadline: a pass whose every send hangs ends within about one deadline per window', async () => {
      const started = Date.now();
      const { result, log } = await simulate({
        sizes: [10, 10, 10],
        delays: [NEVER],
        window: 10,
        ahead: 1,
        deadlineMs: 50,
      });
      const { messages, timedOut } = await result;
      expect(messages).toBe(30);
      expect(timedOut).toBe(30);
      expect(log.settled.sort()).toEqual([0, 1, 2]);
      // Three windows' worth, one deadline each (plus claims and settles): well under a second.
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('without a deadline a send that never settles holds the pass (why the sender always sets one)', async () => {
      const { result } = await simulate({ sizes: [3], delays: [0, NEVER], window: 3, ahead: 0 });
      const outcome = await Promise.race([
        result.then(() => 'ended'),
        new Promise((r) => setTimeout(() => r('pending'), 200)),
      ]);
      expect(outcome).toBe('pending');
    });

    it('a late answer after the deadline is ignored (the message is not counted twice)', async () => {
      const { result, log } = await simulate({
        sizes: [4],
        delays: [30],
        window: 4,
        ahead: 0,
        deadlineMs: 5,
      });
      const { messages, timedOut } = await result;
      expect(messages).toBe(4);
      expect(timedOut).toBe(4);
      await new Promise((r) => setTimeout(r, 50));
      expect(log.settled).toEqual([0]);
    });
  });
});
