import { TZDate } from '@date-fns/tz';
import { startOfDay, startOfMonth, startOfQuarter, startOfWeek, startOfYear } from 'date-fns';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbInstant, arbTimeZone } from '../testing/arbitraries';
import { type Granularity, periodKeyFn, periodSeries, startOfPeriod } from './period';

const granularity = fc.constantFrom<Granularity>('day', 'week', 'month', 'quarter', 'year');

describe('period properties', () => {
  it('a series is contiguous, covers the span and keys its buckets consecutively', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        granularity,
        arbInstant(),
        fc.integer({ min: 1, max: 400 * 86_400_000 }),
        (zone, g, from, length) => {
          const to = from + length;
          const buckets = periodSeries({ from, to }, g, { timeZone: zone });
          expect(buckets[0]!.from).toBeLessThanOrEqual(from);
          expect(buckets.at(-1)!.to).toBeGreaterThanOrEqual(to);
          const key = periodKeyFn(g, { timeZone: zone });
          buckets.forEach((b, i) => {
            expect(b.to).toBeGreaterThan(b.from);
            if (i > 0) expect(b.from).toBe(buckets[i - 1]!.to);
            expect(b.key).toBe(buckets[0]!.key + i);
            expect(key(b.from)).toBe(b.key);
            expect(key(b.to - 1)).toBe(b.key);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('startOfPeriod agrees with date-fns on a TZDate where the local midnight exists', () => {
    const ref: Record<Granularity, (d: TZDate) => Date> = {
      day: (d) => startOfDay(d),
      week: (d) => startOfWeek(d, { weekStartsOn: 1 }),
      month: (d) => startOfMonth(d),
      quarter: (d) => startOfQuarter(d),
      year: (d) => startOfYear(d),
    };
    fc.assert(
      fc.property(arbTimeZone(), granularity, arbInstant(), (zone, g, t) => {
        const ours = startOfPeriod(t, g, { timeZone: zone });
        const theirs = ref[g](new TZDate(t, zone)).getTime();
        const midnight = new TZDate(ours, zone);
        if (midnight.getHours() === 0 && midnight.getMinutes() === 0) expect(ours).toBe(theirs);
        expect(ours).toBeLessThanOrEqual(t);
      }),
      { numRuns: 500 },
    );
  });
});
