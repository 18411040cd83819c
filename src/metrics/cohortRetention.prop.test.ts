import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { toInstant } from '../core/instant';
import { type Granularity, periodKeyFn, periodKeyStart, periodSeries } from '../core/period';
import { arbActivityEvents, arbTimeZone } from '../testing/arbitraries';
import {
  type CohortRetentionOptions,
  type CohortRetentionResult,
  cohortRetention,
  cohortRetentionAccumulator,
  type RetentionCriterion,
} from './cohortRetention';
import type { MetricEvent } from './inputs';

useMediumSizes();

const MIN = Date.UTC(2025, 10, 1);
const arbCase = fc.record({
  events: arbActivityEvents({
    min: MIN,
    max: MIN + 200 * DAY,
    customers: 12,
    maxLength: 80,
    types: ['signup', 'login', 'order'],
  }),
  granularity: fc.constantFrom<Granularity>('day', 'week', 'month', 'quarter'),
  criterion: fc.constantFrom<RetentionCriterion>('on', 'onOrAfter'),
  timeZone: arbTimeZone(),
  start: fc.constantFrom(undefined, 'signup'),
  ret: fc.constantFrom(undefined, 'login', ['login', 'order']),
  asOf: fc.option(fc.integer({ min: MIN, max: MIN + 220 * DAY }), { nil: undefined }),
  from: fc.option(fc.integer({ min: MIN, max: MIN + 100 * DAY }), { nil: undefined }),
  periods: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function optionsOf(c: Case): CohortRetentionOptions {
  return {
    granularity: c.granularity,
    criterion: c.criterion,
    timeZone: c.timeZone,
    ...(c.start === undefined ? {} : { startEvent: c.start }),
    ...(c.ret === undefined ? {} : { returnEvent: c.ret }),
    ...(c.asOf === undefined ? {} : { asOf: c.asOf }),
    ...(c.from === undefined ? {} : { from: c.from }),
    ...(c.periods === undefined ? {} : { periods: c.periods }),
  };
}

/** The table built plainly from sets of (customer, period) pairs. */
function reference(events: readonly MetricEvent[], c: Case): CohortRetentionResult {
  const keyOf = periodKeyFn(c.granularity, { timeZone: c.timeZone });
  const base = { granularity: c.granularity, criterion: c.criterion, timeZone: c.timeZone };
  const seen = events.filter((e) => c.asOf === undefined || toInstant(e.at) <= c.asOf);
  if (seen.length === 0) return { ...base, asOf: c.asOf ?? null, cohorts: [] };
  const asOf = c.asOf ?? Math.max(...seen.map((e) => toInstant(e.at)));
  const isStart = (e: MetricEvent) => c.start === undefined || e.type === c.start;
  const rets = c.ret === undefined ? undefined : [c.ret].flat();
  const isReturn = (e: MetricEvent) => rets === undefined || rets.includes(e.type);
  const ids = [...new Set(seen.map((e) => e.customerId))];
  const cohortOf = new Map<string, number>();
  for (const id of ids) {
    const keys = seen
      .filter((e) => e.customerId === id && isStart(e))
      .map((e) => keyOf(toInstant(e.at)));
    if (keys.length > 0) cohortOf.set(id, Math.min(...keys));
  }
  const fromKey = c.from === undefined ? -Infinity : keyOf(c.from);
  const asOfKey = keyOf(asOf);
  const cohortKeys = [...cohortOf.values()].filter((k) => k >= fromKey);
  if (cohortKeys.length === 0) return { ...base, asOf, cohorts: [] };
  const first = Math.min(...cohortKeys);
  const buckets = periodSeries(
    {
      from: periodKeyStart(first, c.granularity, { timeZone: c.timeZone }),
      to: periodKeyStart(asOfKey + 1, c.granularity, { timeZone: c.timeZone }),
    },
    c.granularity,
    { timeZone: c.timeZone },
  );
  const cohorts = buckets.map((b, r) => {
    const key = first + r;
    const members = ids.filter((id) => cohortOf.get(id) === key);
    const width = Math.min(asOfKey - key + 1, c.periods ?? Infinity);
    const periods = Array.from({ length: width }, (_, k) => {
      const count =
        k === 0
          ? members.length
          : members.filter((id) =>
              seen.some((e) => {
                if (e.customerId !== id || !isReturn(e)) return false;
                const rel = keyOf(toInstant(e.at)) - key;
                return c.criterion === 'on' ? rel === k : rel >= k;
              }),
            ).length;
      return {
        period: k,
        retained: count,
        rate: members.length > 0 ? count / members.length : null,
        inProgress: key + k === asOfKey,
      };
    });
    return {
      label: b.label,
      from: b.from,
      to: b.to,
      size: members.length,
      inProgress: key === asOfKey,
      periods,
    };
  });
  return { ...base, asOf, cohorts };
}

describe('cohortRetention properties', () => {
  it('equals the table built plainly, in any time zone and granularity', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        expect(cohortRetention(c.events, optionsOf(c))).toEqual(reference(c.events, c));
      }),
      { numRuns: 300 },
    );
  });

  it('gives rates in [0, 1]; "on or after" is at least "on" and never rises', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const on = cohortRetention(c.events, { ...optionsOf(c), criterion: 'on' });
        const after = cohortRetention(c.events, { ...optionsOf(c), criterion: 'onOrAfter' });
        after.cohorts.forEach((row, r) => {
          row.periods.forEach((cell, k) => {
            if (cell.rate !== null) expect(cell.rate >= 0 && cell.rate <= 1).toBe(true);
            expect(cell.retained).toBeGreaterThanOrEqual(on.cohorts[r]!.periods[k]!.retained);
            if (k >= 2) expect(cell.retained).toBeLessThanOrEqual(row.periods[k - 1]!.retained);
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on order, does not mutate, and merges', () => {
    fc.assert(
      fc.property(arbCase, arbOrderKeys, arbCuts, (c, keys, cuts) => {
        const expected = assertPure(cohortRetention, c.events, optionsOf(c));
        expect(cohortRetention(reorder(c.events, keys), optionsOf(c))).toEqual(expected);
        expect(
          assertMergeable(() => cohortRetentionAccumulator(optionsOf(c)), c.events, cuts),
        ).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant when everything moves by whole weeks (day and week periods, UTC)', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -500, max: 500 }), (c0, weeks) => {
        const c = {
          ...c0,
          timeZone: 'UTC',
          granularity: c0.granularity === 'day' ? 'day' : 'week',
        } as Case;
        const delta = weeks * 7 * DAY;
        const moved = c.events.map((e) => ({ ...e, at: (e.at as number) + delta }));
        const counts = (r: CohortRetentionResult) =>
          r.cohorts.map((row) => [
            row.size,
            row.inProgress,
            row.to - row.from,
            row.periods.map((p) => [p.retained, p.inProgress]),
          ]);
        const shifted = optionsOf({
          ...c,
          asOf: c.asOf === undefined ? undefined : c.asOf + delta,
          from: c.from === undefined ? undefined : c.from + delta,
        });
        expect(counts(cohortRetention(moved, shifted))).toEqual(
          counts(cohortRetention(c.events, optionsOf(c))),
        );
      }),
      { numRuns: 200 },
    );
  });
});
