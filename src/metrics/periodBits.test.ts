import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Granularity, periodKeyFn, periodKeyStart } from '../core/period';
import { arbInstant, arbTimeZone } from '../testing/arbitraries';
import { PeriodBits, PeriodKeyCache } from './periodBits';

const HOUR = 3_600_000;

describe('PeriodKeyCache', () => {
  it('equals periodKeyFn everywhere, especially right around bucket boundaries', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        fc.constantFrom<Granularity>('day', 'week', 'month', 'quarter', 'year'),
        fc.array(
          fc.tuple(arbInstant(), fc.integer({ min: -2 * HOUR, max: 2 * HOUR }), fc.boolean()),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (timeZone, granularity, points) => {
          const exact = periodKeyFn(granularity, { timeZone });
          const cache = new PeriodKeyCache(granularity, { timeZone });
          const cached = (t: number) => cache.keyOf(t);
          for (const [t, offset, nearBoundary] of points) {
            // either anywhere, or within two hours of the start of the bucket containing t
            const at = nearBoundary
              ? periodKeyStart(exact(t), granularity, { timeZone }) + offset
              : t;
            expect(cached(at)).toBe(exact(at));
            expect(cached(at)).toBe(exact(at)); // now from the cache
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('falls back to exact keys beyond the cached span', () => {
    const cache = new PeriodKeyCache('day', { timeZone: 'Asia/Kolkata' });
    const cached = (t: number) => cache.keyOf(t);
    const exact = periodKeyFn('day', { timeZone: 'Asia/Kolkata' });
    for (const t of [0, 200 * 365 * 24 * HOUR, -200 * 365 * 24 * HOUR, 18.75 * HOUR])
      expect(cached(t)).toBe(exact(t));
  });
});

describe('PeriodBits', () => {
  it('behaves as one set of keys per row, with head words kept apart, whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 5 }), fc.integer({ min: -300, max: 300 })), {
          maxLength: 80,
          size: 'max',
        }),
        (entries) => {
          // two head words per row (initially 99 and 0), which widening the key range must keep
          const bits = new PeriodBits([99, 0]);
          bits.ensureRows(6);
          const sets = Array.from({ length: 6 }, () => new Set<number>());
          const lows = Array.from({ length: 6 }, () => 99);
          for (const [row, key] of entries) {
            bits.set(row, key);
            bits.lowerHead(row, key);
            sets[row]!.add(key);
            bits.setHead(row, sets[row]!.size, 1);
            lows[row] = Math.min(lows[row]!, key);
          }
          for (let row = 0; row < 6; row++) {
            expect(bits.headOf(row)).toBe(lows[row]);
            expect(bits.headOf(row, 1)).toBe(sets[row]!.size);
            expect(bits.keys(row)).toEqual([...sets[row]!].sort((a, b) => a - b));
            for (let k = -310; k <= 310; k += 11) expect(bits.has(row, k)).toBe(sets[row]!.has(k));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
