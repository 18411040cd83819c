import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbInstant, arbTimeZone } from '../testing/arbitraries';
import {
  alignToBusinessDay,
  isBusinessDay,
  nextInSendWindow,
  nextLocalTime,
  type Weekday,
} from './schedule';
import { fromLocal, timeZoneOffset, toLocal } from './timeZone';

const HOUR = 3_600_000;
// the clock changes of 2026 in the zones of arbTimeZone (United States, Europe, Australia and
// Lord Howe, New Zealand and Chatham, Chile, Morocco around Ramadan), to the hour
const CLOCK_CHANGES = [
  Date.UTC(2026, 1, 15, 2),
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 2, 22, 2),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 3, 5, 2),
  Date.UTC(2026, 8, 6, 4),
  Date.UTC(2026, 8, 27, 14),
  Date.UTC(2026, 9, 4, 16),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 10, 1, 6),
];

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));

function inside(t: number, start: number, end: number, mask: number, zone: string): boolean {
  const l = toLocal(t, zone);
  const m = l.hour * 60 + l.minute;
  if (end > start) return (mask & (1 << l.weekday)) !== 0 && m >= start && m < end;
  // past midnight: the part after midnight belongs to the previous day's window
  if (m >= start) return (mask & (1 << l.weekday)) !== 0;
  if (m < end) return (mask & (1 << ((l.weekday + 6) % 7))) !== 0;
  return false;
}

/** A whole minute within ten days of a clock change of 2026. */
const nearChange = fc
  .tuple(
    fc.constantFrom(...CLOCK_CHANGES),
    fc.integer({ min: -10 * 24 * HOUR, max: 10 * 24 * HOUR }),
  )
  .map(([c, d]) => Math.floor((c + d) / 60_000) * 60_000);

/** The send window's next opening through local date fields, one day at a time. */
function reference(t: number, start: number, end: number, mask: number, zone: string): number {
  const l = toLocal(t, zone);
  let best = Number.POSITIVE_INFINITY;
  for (let k = -1; k <= 8; k++) {
    const day = new Date(Date.UTC(l.year, l.month - 1, l.day + k));
    if ((mask & (1 << day.getUTCDay())) === 0) continue;
    const fields = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1 };
    const d = day.getUTCDate();
    const open = fromLocal({ ...fields, day: d, hour: 0, minute: start }, zone);
    const close = fromLocal({ ...fields, day: end < start ? d + 1 : d, minute: end }, zone);
    if (close <= open) continue; // the clocks skip the whole window that day
    if (open <= t && t < close) return t;
    if (open >= t && open < best) best = open;
  }
  return best;
}

describe('schedule properties', () => {
  it('nextLocalTime is at or after the instant, within two days, at that local time (or just after a gap)', () => {
    fc.assert(
      fc.property(arbTimeZone(), arbInstant(), hhmm, (zone, t, time) => {
        const r = nextLocalTime(t, time, zone);
        expect(r).toBeGreaterThanOrEqual(t);
        expect(r - t).toBeLessThan(2 * 86_400_000);
        const l = toLocal(r, zone);
        const shift = l.hour * 60 + l.minute - minutes(time);
        expect(shift === 0 || (shift > 0 && shift <= 60)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('nextInSendWindow lands inside the window and skips no earlier allowed minute', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        arbInstant().map((t) => Math.floor(t / 60_000) * 60_000),
        hhmm,
        hhmm,
        fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
        (zone, t, a, b, days) => {
          fc.pre(a !== b);
          const window = { start: a, end: b, days: days as Weekday[] };
          const r = nextInSendWindow(t, window, zone);
          const mask = days.reduce((m, d) => m | (1 << d), 0);
          expect(r).toBeGreaterThanOrEqual(t);
          expect(inside(r, minutes(a), minutes(b), mask, zone)).toBe(true);
          // every minute before r is outside the window (checked at 7-minute steps)
          for (let x = t; x < r; x += 7 * 60_000)
            expect(inside(x, minutes(a), minutes(b), mask, zone)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('nextInSendWindow over 2026 and near its clock changes: inside the window, as by local date fields', () => {
    // both of its ways: arithmetic on one offset away from a change, each day resolved near one
    const instant = fc.oneof(
      fc
        .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) })
        .map((t) => Math.floor(t / 60_000) * 60_000),
      nearChange,
    );
    fc.assert(
      fc.property(
        arbTimeZone(),
        instant,
        hhmm,
        hhmm,
        fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
        (zone, t, a, b, days) => {
          fc.pre(a !== b);
          const r = nextInSendWindow(t, { start: a, end: b, days: days as Weekday[] }, zone);
          const mask = days.reduce((m, d) => m | (1 << d), 0);
          expect(r).toBe(reference(t, minutes(a), minutes(b), mask, zone));
          // By the clock's minutes, r is inside unless a change is within two hours: a window
          // that opened at the first 02:01 of a fall-back night stays open through the second
          // 02:00. No minute-by-minute check either: an opening time the clocks skip opens as
          // fromLocal resolves it (02:01 on the spring-forward night in Berlin opens at 03:01),
          // so the local minutes 03:00-03:01 read as inside by the clock are before the opening.
          if (timeZoneOffset(zone, r - 2 * HOUR) === timeZoneOffset(zone, r + 2 * HOUR))
            expect(inside(r, minutes(a), minutes(b), mask, zone)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('alignToBusinessDay returns a business day, never earlier, at the same local time when it moves', () => {
    fc.assert(
      fc.property(arbTimeZone(), arbInstant(), (zone, t) => {
        const r = alignToBusinessDay(t, { timeZone: zone, holidays: ['2026-12-25', '2027-01-01'] });
        expect(r).toBeGreaterThanOrEqual(t);
        expect(isBusinessDay(r, { timeZone: zone, holidays: ['2026-12-25', '2027-01-01'] })).toBe(
          true,
        );
        expect(r - t).toBeLessThan(5 * 86_400_000);
      }),
      { numRuns: 300 },
    );
  });
});
