import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { arbCuts, arbOrderKeys, DAY, reorder, useMediumSizes } from '../../test/helpers/metrics';
import { toInstant } from '../core/instant';
import { arbActivityEvents } from '../testing/arbitraries';
import { activationRate, activationRateAccumulator } from './activationRate';
import type { MetricEvent } from './inputs';

useMediumSizes();

const MIN = Date.UTC(2026, 0, 1);
const keyActions = ['project_created', 'colleague_invited'];
const arbCase = fc.record({
  events: arbActivityEvents({
    min: MIN,
    max: MIN + 40 * DAY,
    customers: 10,
    maxLength: 60,
    types: ['signup', 'project_created', 'colleague_invited', 'login'],
  }),
  window: fc.integer({ min: 1, max: 20 }).map((d) => d * DAY),
  asOf: fc.option(fc.integer({ min: MIN, max: MIN + 45 * DAY }), { nil: undefined }),
});

function reference(events: readonly MetricEvent[], window: number, asOf: number | undefined) {
  const seen = events.filter((e) => asOf === undefined || toInstant(e.at) <= asOf);
  const ids = [...new Set(seen.map((e) => e.customerId))];
  let customers = 0;
  let activated = 0;
  let pending = 0;
  const done = keyActions.map(() => 0);
  for (const id of ids) {
    const mine = seen.filter((e) => e.customerId === id);
    const starts = mine.filter((e) => e.type === 'signup').map((e) => toInstant(e.at));
    if (starts.length === 0) continue;
    customers++;
    const end = Math.min(...starts) + window;
    const did = keyActions.map((a) => mine.some((e) => e.type === a && toInstant(e.at) < end));
    if (did.every(Boolean)) activated++;
    else if (asOf !== undefined && end > asOf) {
      pending++;
      continue;
    }
    did.forEach((d, j) => {
      if (d) done[j]!++;
    });
  }
  const decided = customers - pending;
  return {
    rate: decided > 0 ? activated / decided : null,
    activated,
    customers,
    pending,
    keyActions: keyActions.map((action, j) => ({
      action,
      done: done[j]!,
      rate: decided > 0 ? done[j]! / decided : null,
    })),
  };
}

describe('activationRate properties', () => {
  it('equals the plain definition, with rates in [0, 1]', () => {
    fc.assert(
      fc.property(arbCase, ({ events, window, asOf }) => {
        const r = activationRate(events, {
          keyActions,
          window,
          ...(asOf === undefined ? {} : { asOf }),
        });
        expect(r).toEqual(reference(events, window, asOf));
        for (const rate of [r.rate, ...r.keyActions.map((a) => a.rate)]) {
          if (rate !== null) expect(rate >= 0 && rate <= 1).toBe(true);
        }
        // activation needs every action: never above the rarest one
        if (r.rate !== null)
          expect(r.rate).toBeLessThanOrEqual(Math.min(...r.keyActions.map((a) => a.rate!)));
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on order, does not mutate, is time-shift invariant, and merges', () => {
    fc.assert(
      fc.property(
        arbCase,
        arbOrderKeys,
        fc.integer({ min: -3000 * DAY, max: 3000 * DAY }),
        arbCuts,
        ({ events, window, asOf }, keys, delta, cuts) => {
          const options = { keyActions, window, ...(asOf === undefined ? {} : { asOf }) };
          const expected = assertPure(activationRate, events, options);
          expect(activationRate(reorder(events, keys), options)).toEqual(expected);
          const moved = events.map((e) => ({ ...e, at: (e.at as number) + delta }));
          expect(
            activationRate(moved, {
              ...options,
              ...(asOf === undefined ? {} : { asOf: asOf + delta }),
            }),
          ).toEqual(expected);
          expect(assertMergeable(() => activationRateAccumulator(options), events, cuts)).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
