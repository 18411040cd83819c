import { TZDate } from '@date-fns/tz';
import { add, sub } from 'date-fns';
import * as fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  arbCalendarDuration,
  arbFixedDuration,
  arbInstant,
  arbTimeZone,
} from '../testing/arbitraries';
import {
  addDuration,
  type CalendarDuration,
  durationToMs,
  parseDuration,
  subtractDuration,
} from './duration';
import { fromWallClock, timeZoneOffset } from './timeZone';

const ZONES_WITH_DST = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
];

/** Wall-clock ranges that were skipped (gap) or repeated (overlap) in 2026, per zone. */
const transitionCache = new Map<string, { wallFrom: number; wallTo: number }[]>();
function transitions(zone: string): { wallFrom: number; wallTo: number }[] {
  const cached = transitionCache.get(zone);
  if (cached !== undefined) return cached;
  const out: { wallFrom: number; wallTo: number }[] = [];
  const step = 15 * 60_000;
  for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += step) {
    const before = timeZoneOffset(zone, t);
    const after = timeZoneOffset(zone, t + step);
    if (before !== after) {
      let lo = t;
      let hi = t + step;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (timeZoneOffset(zone, mid) === before) lo = mid;
        else hi = mid;
      }
      const a = hi + before;
      const b = hi + after;
      out.push({ wallFrom: Math.min(a, b), wallTo: Math.max(a, b) });
    }
  }
  transitionCache.set(zone, out);
  return out;
}

/** Temporal's `ZonedDateTime.add` / `subtract`: the reference semantics. */
function temporal(t: number, zone: string, d: CalendarDuration, sign: 1 | -1): number {
  // Temporal rejects a duration with no fields; adding nothing is the identity
  if (Object.values(d).every((v) => v === undefined)) return t;
  const zdt = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(zone);
  const duration = Temporal.Duration.from({ ...d });
  return (sign === 1 ? zdt.add(duration) : zdt.subtract(duration)).epochMilliseconds;
}

/** How many instants show `wall` on the clocks of `zone`: 1 normally, 0 in a gap, 2 in an overlap. */
function instantsShowing(wall: number, zone: string): number {
  let n = 0;
  for (const offset of new Set([
    timeZoneOffset(zone, wall - 86_400_000),
    timeZoneOffset(zone, wall + 86_400_000),
  ])) {
    if (timeZoneOffset(zone, wall - offset) === offset) n++;
  }
  return n;
}

/**
 * The wall-clock times the date part of `d` passes through: after the month step (where date-fns
 * resolves once) and after the day step.
 */
function wallSteps(t: number, zone: string, d: CalendarDuration, sign: 1 | -1): [number, number] {
  const wall = new Date(t + timeZoneOffset(zone, t));
  const day = wall.getUTCDate();
  wall.setUTCDate(1);
  wall.setUTCMonth(wall.getUTCMonth() + sign * ((d.years ?? 0) * 12 + (d.months ?? 0)));
  const last = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 0)).getUTCDate();
  wall.setUTCDate(Math.min(day, last));
  return [
    wall.getTime(),
    wall.getTime() + sign * ((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 86_400_000,
  ];
}

/** Whether every wall-clock time on the way exists exactly once, so that no rule is needed. */
function unambiguous(t: number, zone: string, d: CalendarDuration, sign: 1 | -1): boolean {
  return wallSteps(t, zone, d, sign).every((w) => instantsShowing(w, zone) === 1);
}

/** A start instant, a zone and a day count such that start + days lands in a gap or an overlap. */
const intoTransition = fc.constantFrom(...ZONES_WITH_DST).chain((zone) => {
  const list = transitions(zone);
  return fc
    .record({
      i: fc.integer({ min: 0, max: list.length - 1 }),
      frac: fc.double({ min: 0, max: 0.999, noNaN: true }),
      days: fc.integer({ min: 1, max: 20 }),
    })
    .map(({ i, frac, days }) => {
      const tr = list[i]!;
      const wall = Math.floor((tr.wallFrom + (tr.wallTo - tr.wallFrom) * frac) / 60_000) * 60_000;
      return { zone, start: fromWallClock(wall - days * 86_400_000, zone), days };
    });
});

/** Instants within a few days of the 2026 DST changes of the zones in arbTimeZone. */
const dstDates = fc
  .constantFrom(
    Date.UTC(2026, 2, 8),
    Date.UTC(2026, 10, 1), // North America
    Date.UTC(2026, 2, 29),
    Date.UTC(2026, 9, 25), // Europe
    Date.UTC(2026, 3, 5),
    Date.UTC(2026, 9, 4), // Australia (Sydney, Adelaide, Lord Howe)
    Date.UTC(2026, 3, 5),
    Date.UTC(2026, 8, 6), // Santiago (DST at midnight)
    Date.UTC(2026, 3, 5),
    Date.UTC(2026, 8, 27), // Chatham, Auckland
  )
  .chain((day) => fc.integer({ min: day - 3 * 86_400_000, max: day + 3 * 86_400_000 }));

describe('duration properties', () => {
  it('calendar arithmetic equals Temporal ZonedDateTime.add/subtract, across DST dates', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        fc.oneof(dstDates, arbInstant()),
        arbCalendarDuration(),
        (zone, t, d) => {
          expect(addDuration(t, d, { timeZone: zone })).toBe(temporal(t, zone, d, 1));
          expect(subtractDuration(t, d, { timeZone: zone })).toBe(temporal(t, zone, d, -1));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('equals Temporal when a calendar step lands in a skipped or repeated hour', () => {
    fc.assert(
      fc.property(
        intoTransition,
        fc.integer({ min: 0, max: 3 }),
        ({ zone, start, days }, hours) => {
          expect(addDuration(start, { days, hours }, { timeZone: zone })).toBe(
            temporal(start, zone, { days, hours }, 1),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals date-fns add/sub on a TZDate wherever every wall-clock time on the way exists exactly once', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        arbTimeZone(),
        fc.oneof(dstDates, arbInstant()),
        arbCalendarDuration(),
        (zone, t, d) => {
          if (unambiguous(t, zone, d, 1)) {
            compared++;
            expect(addDuration(t, d, { timeZone: zone })).toBe(
              add(new TZDate(t, zone), d).getTime(),
            );
          }
          if (unambiguous(t, zone, d, -1)) {
            expect(subtractDuration(t, d, { timeZone: zone })).toBe(
              sub(new TZDate(t, zone), d).getTime(),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(compared).toBeGreaterThan(900);
  });

  it('a calendar day keeps the local wall-clock time unless it lands in a gap', () => {
    fc.assert(
      fc.property(arbTimeZone(), dstDates, fc.integer({ min: 1, max: 10 }), (zone, t, days) => {
        const later = addDuration(t, { days }, { timeZone: zone });
        const a = new TZDate(t, zone);
        const b = new TZDate(later, zone);
        const sameClock = a.getHours() === b.getHours() && a.getMinutes() === b.getMinutes();
        const gapShift = later - t - days * 86_400_000;
        expect(sameClock || Math.abs(gapShift) <= 3_600_000).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('fixed durations are exact and additive', () => {
    fc.assert(
      fc.property(arbInstant(), arbFixedDuration(), arbFixedDuration(), (t, a, b) => {
        const ms = durationToMs(a) + durationToMs(b);
        expect(addDuration(addDuration(t, a), b)).toBe(t + ms);
        expect(subtractDuration(addDuration(t, a), a)).toBe(t);
        expect(parseDuration(a).kind).toBe('fixed');
      }),
    );
  });
});
