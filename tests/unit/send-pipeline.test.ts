import fc from 'fast-check';
import { runSendPipeline } from '../../server/src/utils/send-pipeline';

interface Batch {
  id: number;
  messages: { batch: number; index: number }[];
  full: boolean;
}

/**
 * A queue of `sizes.length` batches behind a mail server that answers each
 * message after `delays[i]` ms (0: in the same turn); records what the pipeline
 * does so the properties below can be checked.
 */
const simulate = async (options: {
  sizes: number[];
  delays: number[];
  window: number;
  ahead: number;
  failClaimAt?: number;
  failSettleOf?: number;
  stopAfterClaims?: number;
}) => {
  const log = {
    sent: [] as string[],
    settled: [] as number[],
    claims: 0,
    maxInFlight: 0,
    maxHeldUnsettled: 0,
    settledBeforeAllAnswered: [] as number[],
    answered: new Map<number, number>(),
  };
  let inFlight = 0;
  const held = new Set<number>();
  let sendNo = 0;
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
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      else await Promise.resolve();
      inFlight -= 1;
      log.answered.set(message.batch, (log.answered.get(message.batch) ?? 0) + 1);
    },
    settle: async (batch) => {
      if ((log.answered.get(batch.id) ?? 0) !== batch.messages.length) log.settledBeforeAllAnswered.push(batch.id);
      await new Promise((r) => setTimeout(r, 1));
      held.delete(batch.id);
      if (options.failSettleOf === batch.id) throw new Error('settle failed');
      log.settled.push(batch.id);
    },
    window: options.window,
    ahead: options.ahead,
    stopped: () => options.stopAfterClaims !== undefined && log.claims >= options.stopAfterClaims,
  });
  return { result, log };
};

const arbitrary = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 8 }),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
  window: fc.integer({ min: 1, max: 10 }),
  ahead: fc.integer({ min: 0, max: 3 }),
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
    const { result, log } = await simulate({ sizes: [10, 10, 10, 10, 10], delays: [5], window: 10, ahead: 1 });
    await result;
    expect(log.maxInFlight).toBe(10);
    expect(log.sent).toHaveLength(50);
  });

  it('claims ahead by at most `ahead` batches beyond the one being handed over', async () => {
    const { result, log } = await simulate({ sizes: Array(8).fill(5), delays: [4], window: 5, ahead: 1 });
    await result;
    // One batch at the server (and settling), one being handed over, one claimed ahead.
    expect(log.maxHeldUnsettled).toBeLessThanOrEqual(3);
    const noAhead = await simulate({ sizes: Array(8).fill(5), delays: [4], window: 5, ahead: 0 });
    await noAhead.result;
    expect(noAhead.log.maxHeldUnsettled).toBeLessThanOrEqual(2);
  });

  it('a failing claim stops claiming but sends and settles what is held, then rejects', async () => {
    const { result, log } = await simulate({ sizes: [4, 4, 4, 4], delays: [1, 0], window: 3, ahead: 1, failClaimAt: 2 });
    await expect(result).rejects.toThrow('database down');
    expect(log.sent).toHaveLength(8);
    expect(log.settled.sort()).toEqual([0, 1]);
  });

  it('a failing settle does not stop the other batches; the pass rejects at the end', async () => {
    const { result, log } = await simulate({ sizes: [3, 3, 3], delays: [0, 1], window: 2, ahead: 1, failSettleOf: 0 });
    await expect(result).rejects.toThrow('settle failed');
    expect(log.sent.length).toBeGreaterThanOrEqual(3);
    expect(log.settled).not.toContain(0);
  });

  it('a stopping pass claims nothing more and finishes what it holds', async () => {
    const { result, log } = await simulate({ sizes: [4, 4, 4, 4, 4], delays: [1], window: 4, ahead: 1, stopAfterClaims: 2 });
    const { messages } = await result;
    expect(log.claims).toBe(2);
    expect(messages).toBe(8);
    expect(log.settled.sort()).toEqual([0, 1]);
  });

  it('an empty queue resolves at once with nothing sent', async () => {
    const { result, log } = await simulate({ sizes: [], delays: [0], window: 5, ahead: 1 });
    await expect(result).resolves.toEqual({ batches: 0, messages: 0 });
    expect(log.claims).toBe(1);
  });
});
