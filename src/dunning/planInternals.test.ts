import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, policy, subscription } from '../../test/helpers/dunning';
import { RetentionInputError } from '../core/errors';
import { planDunning } from './planDunning';
import { minPeriodMs } from './policyInternals';
import { instantString } from './timeline';

const HOUR = 3_600_000;
const BERLIN = 'Europe/Berlin';

describe('instantString', () => {
  it('writes an instant as String() does, by arithmetic for 13 digits', () => {
    for (const t of [0, -1, 999_999_999_999, 1e12, 1e12 + 1, 1_777_593_600_000, 1e13 - 1, 1e13])
      expect(instantString(t)).toBe(String(t));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1e12, max: 1e13 - 1 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
        ),
        (t) => instantString(t) === String(t),
      ),
      { numRuns: 5000 },
    );
  });
});

describe('minPeriodMs', () => {
  it('gives the shortest billing period on a wall clock, for short and long periods alike', () => {
    expect(minPeriodMs('month', 1)).toBe(28 * DAY - HOUR);
    expect(minPeriodMs('quarter', 1)).toBe(89 * DAY - HOUR); // February to April
    expect(minPeriodMs('year', 1)).toBe(365 * DAY - HOUR);
    expect(minPeriodMs('year', 4)).toBe(1461 * DAY - HOUR); // a February 29 in every four years
    // the calendar's answer, remembered per number of months (two leap days at least in 10 and
    // 11 years)
    expect(minPeriodMs('year', 10)).toBe(3652 * DAY - HOUR);
    expect(minPeriodMs('year', 11)).toBe(4017 * DAY - HOUR);
    for (let k = 1; k <= 15; k++) {
      expect(minPeriodMs('month', 12 * k)).toBe(minPeriodMs('year', k));
      expect(minPeriodMs('month', 3 * k)).toBe(minPeriodMs('quarter', k));
    }
    // asked again, the same answers
    expect(minPeriodMs('year', 11)).toBe(4017 * DAY - HOUR);
    expect(minPeriodMs('month', 1)).toBe(28 * DAY - HOUR);
  });

  it('answers past the longest period the checks allow, without remembering it', () => {
    const longest = minPeriodMs('year', 1000);
    const beyond = minPeriodMs('year', 1001);
    expect(Number.isFinite(beyond)).toBe(true);
    expect(beyond - longest).toBeGreaterThanOrEqual(365 * DAY);
    expect(minPeriodMs('month', 12_012)).toBe(beyond);
  });
});

describe('planDunning: what it remembers between calls', () => {
  const now = '2026-05-20T00:00:00Z';

  it('plans with the policy it is given, when calls alternate between policies', () => {
    const seven = policy();
    const ten = policy({ id: 'ten', reminders: { preCharge: { before: ['10d'] } } });
    const names = (p: typeof seven) =>
      planDunning(subscription(), p, { now, timeZone: BERLIN }).actions.map((a) => a.source.step);
    for (let i = 0; i < 3; i++) {
      expect(names(seven)).toEqual(['pre-charge-7d', 'pre-charge-3d']);
      expect(names(ten)).toEqual(['pre-charge-10d']);
    }
  });

  it('checks each currency, after a valid one was seen', () => {
    const p = policy();
    expect(() => planDunning(subscription(), p, { now })).not.toThrow();
    expect(() => planDunning(subscription({ currency: 'eur' }), p, { now })).toThrow(
      /subscription\.currency/,
    );
    expect(() => planDunning(subscription({ currency: 'EURO' }), p, { now })).toThrow(
      RetentionInputError,
    );
    expect(() => planDunning(subscription(), p, { now })).not.toThrow();
  });

  it('lists the reminders inside the window and wakes up for the first one beyond the horizon', () => {
    const p = policy({ reminders: { preCharge: { before: ['7d', '3d', '1d'] } } });
    const sub = subscription();
    const full = planDunning(sub, p, { now, timeZone: BERLIN });
    const [first, second, third] = full.steps.map((s) => s.dueAt);
    // a horizon that ends between the second and third reminders: two listed, the first pending
    const near = planDunning(sub, p, { now, timeZone: BERLIN, horizon: '19d' });
    expect(near.steps.map((s) => s.dueAt)).toEqual([first, second]);
    expect(near.nextWakeUpAt).toBe(first);
    // planned at the second: the first lies before the window, the third beyond the horizon
    const atSecond = planDunning(sub, p, { now: second!, timeZone: BERLIN, horizon: '1d' });
    expect(atSecond.steps.map((s) => s.dueAt)).toEqual([second]);
    expect(atSecond.nextWakeUpAt).toBe(third);
    // and with nothing listed, the wake-up is the first reminder after the horizon
    const before = planDunning(sub, p, { now, timeZone: BERLIN, horizon: '1d' });
    expect(before.steps).toEqual([]);
    expect(before.nextWakeUpAt).toBe(first);
  });
});
