import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecordingDelivery } from '../adapters/delivery';
import { createMemoryStore } from '../adapters/memoryStore';
import type { Delivery, RetentionStore } from '../adapters/types';
import type { ActivityEvent } from '../core/records';
import { createRetentionEngine } from './engine';
import { pingPlanner } from './testPlanners';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

class Crash extends Error {
  constructor(where: string) {
    super(`crash ${where}`);
  }
}

/**
 * Wraps a store so that the call numbered in `crashes` fails: `before` throws without doing
 * anything; `after` does the work, then throws, as when a worker dies after the database
 * committed but before it saw the answer.
 */
function faultyStore(
  store: RetentionStore,
  plan: Map<number, 'before' | 'after'>,
  counter: { calls: number },
): RetentionStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const n = counter.calls++;
        const mode = plan.get(n);
        if (mode === 'before') throw new Crash(`before ${String(prop)}`);
        const result = await value.apply(target, args);
        if (mode === 'after') throw new Crash(`after ${String(prop)}`);
        return result;
      };
    },
  });
}

/** A delivery that fails on the numbered sends: before sending, or after the provider accepted. */
function faultyDelivery(
  inner: Delivery,
  plan: Map<number, 'before' | 'after'>,
  counter: { sends: number; afterCrashes: number },
): Delivery {
  return {
    async send(action, context) {
      const n = counter.sends++;
      const mode = plan.get(n);
      if (mode === 'before') throw new Crash('before send');
      await inner.send(action, context);
      if (mode === 'after') {
        counter.afterCrashes++;
        throw new Crash('after send');
      }
    },
  };
}

const scenario = fc.record({
  events: fc.array(fc.record({ customer: fc.nat(7), minute: fc.nat(240) }), {
    minLength: 1,
    maxLength: 40,
  }),
  storeCrashes: fc.array(
    fc.tuple(fc.nat(400), fc.constantFrom<'before' | 'after'>('before', 'after')),
    { maxLength: 12 },
  ),
  sendCrashes: fc.array(
    fc.tuple(fc.nat(60), fc.constantFrom<'before' | 'after'>('before', 'after')),
    { maxLength: 8 },
  ),
  workers: fc.integer({ min: 1, max: 3 }),
});

describe('engine under crashes', () => {
  it('loses no action and delivers none twice, whatever step a worker crashes at', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, storeCrashes, sendCrashes, workers }) => {
        const list: ActivityEvent[] = events.map((e, i) => ({
          id: `e${i}`,
          customerId: `c${e.customer}`,
          type: 'ping',
          at: T0 + e.minute * MIN,
        }));
        const store = createMemoryStore();
        const provider = createRecordingDelivery();
        const counter = { calls: 0 };
        const sends = { sends: 0, afterCrashes: 0 };
        const crashStore = faultyStore(store, new Map(storeCrashes), counter);
        const crashDelivery = faultyDelivery(provider, new Map(sendCrashes), sends);
        let generation = 0;
        const spawn = () =>
          createRetentionEngine({
            store: crashStore,
            delivery: crashDelivery,
            planners: [pingPlanner(10 * MIN)],
            workerId: `w${generation++}`,
            lease: '5m',
            batchSize: 3,
            concurrency: 2,
            retry: { maxAttempts: 100, initialDelay: '1m', factor: 1 },
          });
        let fleet = Array.from({ length: workers }, spawn);
        // Events arrive over time; ingestion retries until the store takes them (an ingest is idempotent).
        const pending = [...list].sort((a, b) => (a.at as number) - (b.at as number));
        for (let minute = 0; minute <= 600; minute += 5) {
          const now = T0 + minute * MIN;
          while (pending.length > 0 && (pending[0]!.at as number) <= now) {
            const batch = pending.filter((e) => (e.at as number) <= now);
            try {
              await fleet[0]!.ingest(batch, { now });
              pending.splice(0, batch.length);
            } catch {
              // a crashed ingest is repeated at once; duplicates are ignored by event id
            }
          }
          const reports = await Promise.all(fleet.map((e) => e.tick({ now })));
          // a worker whose tick met a crash is gone; a new one takes its place
          fleet = fleet.map((e, i) => {
            const failures = [...reports[i]!.evaluate.failures, ...reports[i]!.deliver.failures];
            return failures.some((f) => f.message.startsWith('crash')) ? spawn() : e;
          });
        }
        const expected = new Set(list.map((e) => e.id));
        const delivered = provider.sent.map((s) => String(s.action.params.event));
        expect(new Set(delivered)).toEqual(expected);
        expect(delivered.length).toBe(expected.size);
        // a key reaches the provider twice only after a crash between its acceptance and the
        // record of it (a send that failed after acceptance, or a lost completeAction)
        expect(provider.duplicates).toBeLessThanOrEqual(sends.afterCrashes + storeCrashes.length);
        expect(
          (await store.listActions({ status: 'pending' })).length +
            (await store.listActions({ status: 'claimed' })).length,
        ).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
