import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { toInstant } from '../core/instant';
import { type Granularity, periodKeyFn } from '../core/period';
import { arbActivityEvents, arbTimeZone } from '../testing/arbitraries';
import {
  type LifecycleCompositionOptions,
  type LifecycleCompositionResult,
  lifecycleComposition,
  lifecycleCompositionAccumulator,
} from './lifecycleComposition';

useMediumSizes();

const MIN = Date.UTC(2025, 10, 1);
const arbCase = fc.record({
  events: arbActivityEvents({
    min: MIN,
    max: MIN + 120 * DAY,
    customers: 10,
    maxLength: 80,
    types: ['signup', 'login'],
  }),
  granularity: fc.constantFrom<Granularity>('day', 'week', 'month'),
  timeZone: arbTimeZone(),
  active: fc.constantFrom(undefined, 'login'),
  asOf: fc.option(fc.integer({ min: MIN, max: MIN + 130 * DAY }), { nil: undefined }),
  from: fc.option(fc.integer({ min: MIN, max: MIN + 60 * DAY }), { nil: undefined }),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

const optionsOf = (c: Case): LifecycleCompositionOptions => ({
  granularity: c.granularity,
  timeZone: c.timeZone,
  ...(c.active === undefined ? {} : { activeEvent: c.active }),
  ...(c.asOf === undefined ? {} : { asOf: c.asOf }),
  ...(c.from === undefined ? {} : { from: c.from }),
});

/** Per period, the four groups counted from sets of active (customer, period) pairs. */
function reference(c: Case) {
  const keyOf = periodKeyFn(c.granularity, { timeZone: c.timeZone });
  const seen = c.events.filter((e) => c.asOf === undefined || toInstant(e.at) <= c.asOf);
  if (seen.length === 0 && c.asOf === undefined) return [];
  const asOfKey = keyOf(c.asOf ?? Math.max(...seen.map((e) => toInstant(e.at))));
  const ids = [...new Set(seen.map((e) => e.customerId))];
  const created = new Map(
    ids.map((id) => [
      id,
      Math.min(...seen.filter((e) => e.customerId === id).map((e) => keyOf(toInstant(e.at)))),
    ]),
  );
  const activeIn = new Set(
    seen
      .filter((e) => c.active === undefined || e.type === c.active)
      .map((e) => `${e.customerId} ${keyOf(toInstant(e.at))}`),
  );
  const activeKeys = [...activeIn].map((k) => Number(k.split(' ')[1]));
  if (c.from === undefined && activeKeys.length === 0) return [];
  const first = c.from === undefined ? Math.min(...activeKeys) : keyOf(c.from);
  const out: number[][] = [];
  for (let p = first; p <= asOfKey; p++) {
    const is = (id: string, k: number) => activeIn.has(`${id} ${k}`);
    out.push([
      ids.filter((id) => is(id, p) && created.get(id) === p).length,
      ids.filter((id) => is(id, p) && created.get(id) !== p && is(id, p - 1)).length,
      ids.filter((id) => is(id, p) && created.get(id) !== p && !is(id, p - 1)).length,
      ids.filter((id) => !is(id, p) && is(id, p - 1)).length,
    ]);
  }
  return out;
}

const counts = (r: LifecycleCompositionResult) =>
  r.periods.map((p) => [p.new, p.returning, p.resurrecting, p.dormant]);

describe('lifecycleComposition properties', () => {
  it('equals the plain classification, and its groups add up', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = lifecycleComposition(c.events, optionsOf(c));
        expect(counts(r)).toEqual(reference(c));
        r.periods.forEach((p, i) => {
          expect(p.active).toBe(p.new + p.returning + p.resurrecting);
          if (i > 0) expect(p.returning + p.dormant).toBe(r.periods[i - 1]!.active);
          expect(p.inProgress).toBe(i === r.periods.length - 1);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, and merges', () => {
    fc.assert(
      fc.property(arbCase, arbOrderKeys, arbCuts, (c, keys, cuts) => {
        const expected = assertPure(lifecycleComposition, c.events, optionsOf(c));
        expect(lifecycleComposition(reorder(c.events, keys), optionsOf(c))).toEqual(expected);
        expect(
          assertMergeable(() => lifecycleCompositionAccumulator(optionsOf(c)), c.events, cuts),
        ).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant when everything moves by whole weeks (day and week periods, UTC)', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -500, max: 500 }), (c0, weeks) => {
        const c: Case = {
          ...c0,
          timeZone: 'UTC',
          granularity: c0.granularity === 'day' ? 'day' : 'week',
        };
        const d = weeks * 7 * DAY;
        const moved: Case = {
          ...c,
          events: c.events.map((e) => ({ ...e, at: (e.at as number) + d })),
          asOf: c.asOf === undefined ? undefined : c.asOf + d,
          from: c.from === undefined ? undefined : c.from + d,
        };
        expect(counts(lifecycleComposition(moved.events, optionsOf(moved)))).toEqual(
          counts(lifecycleComposition(c.events, optionsOf(c))),
        );
      }),
      { numRuns: 200 },
    );
  });
});
