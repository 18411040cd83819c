import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import type { ActivityEvent } from '../core/records';
import { type TriggerHistory, updateTriggerHistory } from './updateTriggerHistory';

/** A naive reference: group by type, sort everything, take the last `limit`. */
function reference(events: readonly ActivityEvent[], recent: readonly string[], limit: number) {
  const out: Record<string, { count: number; first: number; last: number; recent?: number[] }> = {};
  const types = [...new Set(events.map((e) => e.type))];
  for (const type of types) {
    const ats = events
      .filter((e) => e.type === type)
      .map((e) => e.at as number)
      .sort((a, b) => a - b);
    out[type] = {
      count: ats.length,
      first: ats[0]!,
      last: ats[ats.length - 1]!,
      ...(recent.includes(type) ? { recent: ats.slice(-limit) } : {}),
    };
  }
  return out;
}

const arbEvents = fc.array(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    customerId: fc.constant('c1'),
    type: fc.constantFrom('login', 'order_placed', 'cart_added', 'feature_used'),
    at: fc.integer({ min: 0, max: 1_000_000 }),
  }),
  { maxLength: 60 },
);

describe('updateTriggerHistory properties', () => {
  it('equals a naive reference, whatever the order and the batching', () => {
    fc.assert(
      fc.property(
        arbEvents,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.subarray(['login', 'order_placed', 'cart_added', 'feature_used']),
        fc.boolean(),
        (events, cuts, limit, recent, reverse) => {
          const options = { recentTypes: recent, recentLimit: limit };
          const ordered = reverse ? [...events].reverse() : events;
          const points = [...new Set(cuts.map((c) => c % (ordered.length + 1)))].sort(
            (a, b) => a - b,
          );
          let h: TriggerHistory = {};
          let from = 0;
          for (const p of [...points, ordered.length]) {
            h = updateTriggerHistory(h, ordered.slice(from, p), options);
            from = p;
          }
          const expected = reference(events, recent, limit);
          return (
            JSON.stringify(Object.entries(h).sort()) ===
            JSON.stringify(Object.entries(expected).sort())
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
