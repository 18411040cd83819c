import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import type { ActivityEvent } from '../core/records';
import { activityFacts, updateActivityHistory } from './activityHistory';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const ev = (
  id: string,
  type: string,
  day: number,
  properties?: Record<string, string | number>,
): ActivityEvent => ({
  id,
  customerId: 'c',
  type,
  at: T0 + day * DAY + 9 * 3_600_000,
  ...(properties === undefined ? {} : { properties }),
});

describe('updateActivityHistory', () => {
  it('counts per type and UTC day, with first and last seen, and splits by a property', () => {
    const h = updateActivityHistory(undefined, [
      ev('1', 'login', 0),
      ev('2', 'login', 0),
      ev('3', 'login', 3),
      ev('4', 'feature_used', 3, { feature: 'reports' }),
      ev('5', 'feature_used', 4, { feature: 'api' }),
      ev('6', 'feature_used', 4),
    ]);
    const day0 = Math.floor(T0 / DAY);
    expect(h.types.login).toEqual({
      count: 3,
      first: T0 + 9 * 3_600_000,
      last: T0 + 3 * DAY + 9 * 3_600_000,
      days: [day0, day0 + 3],
      counts: [2, 1],
    });
    expect(Object.keys(h.types)).toEqual([
      'feature_used',
      'feature_used:api',
      'feature_used:reports',
      'login',
    ]);
    expect(h.types.feature_used!.count).toBe(3);
    expect([h.first, h.last]).toEqual([T0 + 9 * 3_600_000, T0 + 4 * DAY + 9 * 3_600_000]);
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
  });

  it('keeps the latest occurrences of the listed types with the listed properties', () => {
    const events = Array.from({ length: 25 }, (_, i) =>
      ev(`s${String(i).padStart(2, '0')}`, 'email_sent', i, { campaign: `c${i}`, secret: 'x' }),
    );
    const h = updateActivityHistory(undefined, events);
    const recent = h.types.email_sent!.recent!;
    expect(recent.length).toBe(20);
    expect(recent[0]).toEqual({
      at: T0 + 5 * DAY + 9 * 3_600_000,
      id: 's05',
      properties: { campaign: 'c5' },
    });
    expect(h.types.login).toBeUndefined();
    const custom = updateActivityHistory(undefined, events, {
      recent: { email_sent: [] },
      recentLimit: 2,
    });
    expect(custom.types.email_sent!.recent).toEqual([
      { at: T0 + 23 * DAY + 9 * 3_600_000, id: 's23', properties: {} },
      { at: T0 + 24 * DAY + 9 * 3_600_000, id: 's24', properties: {} },
    ]);
  });

  it('drops daily counts older than retainDays, counted back from the latest event', () => {
    const h = updateActivityHistory(
      undefined,
      [ev('1', 'login', 0), ev('2', 'login', 10), ev('3', 'signup', 0), ev('4', 'signup', 1)],
      { retainDays: 10 },
    );
    const day0 = Math.floor(T0 / DAY);
    expect(h.types.login!.days).toEqual([day0 + 10]);
    // the window is the 10 days ending with day 10: days 1-10
    expect(h.types.signup!.days).toEqual([day0 + 1]);
    expect([h.types.login!.count, h.types.signup!.count]).toEqual([2, 2]);
  });

  it('gives the same history whatever the order and batching of the events', () => {
    const event = fc
      .record({
        day: fc.integer({ min: 0, max: 200 }),
        type: fc.constantFrom('login', 'email_sent', 'feature_used', 'support_ticket_closed'),
        value: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ day, type, value }) => ({ day, type, value }));
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 4 }),
        fc.integer({ min: 5, max: 120 }),
        (raw, cuts, retainDays) => {
          const events = raw.map((e, i) =>
            ev(
              `e${i}`,
              e.type,
              e.day,
              e.type === 'feature_used'
                ? { feature: `f${e.value}` }
                : { satisfaction: e.value, campaign: 'x' },
            ),
          );
          const options = { retainDays, recentLimit: 3 };
          const once = updateActivityHistory(undefined, events, options);
          const reversed = updateActivityHistory(undefined, [...events].reverse(), options);
          expect(reversed).toEqual(once);
          let batched = updateActivityHistory(undefined, [], options);
          const points = [...new Set(cuts.map((c) => Math.min(c, events.length)))].sort(
            (a, b) => a - b,
          );
          let from = 0;
          for (const p of [...points, events.length]) {
            batched = updateActivityHistory(batched, events.slice(from, p), options);
            from = p;
          }
          expect(batched).toEqual(once);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not mutate the history it updates, and shares the types it does not touch', () => {
    const h1 = updateActivityHistory(undefined, [ev('1', 'login', 0), ev('2', 'signup', 0)]);
    const h2 = assertPure(updateActivityHistory, h1, [ev('3', 'login', 1)], {});
    expect(h2.types.login!.count).toBe(2);
    const h3 = updateActivityHistory(h1, [ev('3', 'login', 1)]);
    expect(h3.types.signup).toBe(h1.types.signup);
    expect(updateActivityHistory(h1, [])).toBe(h1);
  });

  it('never records a type that could reach a prototype', () => {
    const h = updateActivityHistory(undefined, [
      ev('1', '__proto__', 0),
      ev('2', 'constructor', 0),
    ]);
    expect(Object.keys(h.types)).toEqual([]);
    expect(h.last).toBe(T0 + 9 * 3_600_000);
  });

  it('rejects malformed events and options, naming the index', () => {
    expect(() =>
      updateActivityHistory(undefined, [
        ev('1', 'login', 0),
        { id: 'x', type: 'login', at: 'yesterday' } as never,
      ]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: updateActivityHistory: events[1].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      updateActivityHistory(undefined, [{ id: '', customerId: 'c', type: 'login', at: T0 }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: updateActivityHistory: events[0].id has the wrong type (expected a non-empty string of at most 256 characters; received empty string)]`,
    );
    expect(() =>
      updateActivityHistory(undefined, [], { retainDays: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: updateActivityHistory: options.retainDays is out of range (expected an integer >= 1 and <= 3650)]`,
    );
    const h = updateActivityHistory(undefined, [ev('1', 'login', 0)]);
    expect(() =>
      updateActivityHistory(h, [], { retainDays: 30 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: updateActivityHistory: options.retainDays has an invalid value: use the retainDays the history was started with]`,
    );
    expect(() =>
      updateActivityHistory({ version: 2 } as never, []),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: updateActivityHistory: history.version has an invalid value (expected an activity history from updateActivityHistory (version 1))]`,
    );
  });
});

describe('activityFacts', () => {
  const h = updateActivityHistory(undefined, [
    ev('1', 'login', 0),
    ev('2', 'login', 20),
    ev('3', 'login', 29),
    ev('4', 'login', 30),
  ]);

  it('counts windows of whole UTC days ending with the day of asOf', () => {
    const asOf = T0 + 30 * DAY + 12 * 3_600_000;
    expect(activityFacts(h, { asOf, windows: [1, 2, 11, 30, 31] }).login).toEqual({
      count: 4,
      last: T0 + 30 * DAY + 9 * 3_600_000,
      daysSinceLast: 0.125,
      last1d: 1,
      last2d: 2,
      last11d: 3,
      last30d: 3,
      last31d: 4,
    });
  });

  it('refuses an asOf before the latest event, and windows longer than the history keeps', () => {
    expect(() => activityFacts(h, { asOf: T0 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activityFacts: options.asOf is out of range: asOf is before the latest event in the history; build the history from the events up to asOf]`,
    );
    expect(() =>
      activityFacts(h, { asOf: T0 + 40 * DAY, windows: [121] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: activityFacts: options.windows[0] is out of range: the history keeps 120 days of counts (expected at most 120)]`,
    );
  });
});
