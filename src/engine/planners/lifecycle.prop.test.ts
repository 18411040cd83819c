import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../adapters/types';
import { onboardingMachine } from '../../lifecycle/index';
import type { CustomerProfile, EngineSignal } from '../types';
import { lifecyclePlanner } from './lifecycle';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 2, 2);
const profile: CustomerProfile = {
  customerId: 'c1',
  signedUpAt: T0,
  timeZone: 'Europe/Berlin',
  attributes: {},
};

/** Events of types the machine uses (some under the customer's own names), at distinct hours. */
const scenario = fc.record({
  events: fc.uniqueArray(
    fc.record({
      hour: fc.integer({ min: 1, max: 60 * 24 }),
      type: fc.constantFrom('login', 'report_created', 'subscription_paused', 'resumed', 'cancel'),
    }),
    { selector: (e) => e.hour, maxLength: 8 },
  ),
  signals: fc.array(
    fc.record({
      hour: fc.integer({ min: 1, max: 60 * 24 }),
      type: fc.constantFrom('risk_detected', 'health_changed', 'stage_entered'),
      score: fc.integer({ min: 0, max: 100 }),
    }),
    { maxLength: 3 },
  ),
  shuffle: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

const options = {
  events: { report_created: 'first_value', subscription_paused: 'paused', cancel: 'cancelled' },
};

describe('lifecyclePlanner', () => {
  it('feeds events and heard signals in time order, whatever order the events come in', () => {
    fc.assert(
      fc.property(scenario, ({ events, signals, shuffle }) => {
        const stored: StoredEvent[] = events
          .map((e, i) => ({
            id: `e${i}`,
            seq: i + 1,
            customerId: 'c1',
            type: e.type,
            at: T0 + e.hour * H,
            properties: {},
          }))
          .sort((a, b) => a.at - b.at);
        const heard: EngineSignal[] = signals.map((s) => ({
          type: s.type,
          at: T0 + s.hour * H,
          data: { score: s.score },
        }));
        const shuffled = stored
          .map((e, i) => ({ e, k: shuffle[i] ?? 0 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        const now = T0 + 61 * D;
        const planner = lifecyclePlanner(onboardingMachine(), options);
        const input = { customerId: 'c1', now, profile, signals: heard };
        const inOrder = planner.plan(undefined, { ...input, events: stored });
        const outOfOrder = planner.plan(undefined, { ...input, events: shuffled });
        expect(outOfOrder).toEqual(inOrder);
        // the same, fed one event at a time (each plan continuing from the last), with no signals
        let state = planner.plan(undefined, { ...input, signals: [], events: [], now: T0 }).state;
        for (const e of stored) {
          state = planner.plan(state, { ...input, signals: [], events: [e], now: e.at }).state;
        }
        const stepwise = planner.plan(state, { ...input, signals: [], events: [] });
        const atOnce = planner.plan(undefined, { ...input, signals: [], events: shuffled });
        expect(stepwise.state?.stage).toBe(atOnce.state?.stage);
        expect(stepwise.state?.history).toEqual(atOnce.state?.history);
      }),
      { numRuns: 300 },
    );
  });

  it('maps the customer’s event names but never a signal’s', () => {
    // a mapping that names a signal type must not turn the signal into a machine event
    const planner = lifecyclePlanner(onboardingMachine(), {
      events: { risk_detected: 'cancelled' },
    });
    const now = T0 + 2 * D;
    const r = planner.plan(undefined, {
      customerId: 'c1',
      now,
      profile,
      events: [],
      signals: [{ type: 'risk_detected', at: T0 + D, data: {} }],
    });
    expect(r.state?.stage).toBe('at_risk');
  });
});
