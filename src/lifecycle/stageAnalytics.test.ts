import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable } from '../../test/helpers/contracts';
import { RetentionError, RetentionInputError } from '../core/errors';
import { defineStageMachine } from './defineStageMachine';
import { onboardingMachine } from './onboardingMachine';
import { stageAnalytics, stageAnalyticsAccumulator } from './stageAnalytics';
import { stageVisits } from './stageVisits';
import { startStageMachine } from './startStageMachine';
import { timeInStage } from './timeInStage';
import { type StageState, transition } from './transition';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const EVENT_TYPES = [
  'first_value',
  'risk_detected',
  'health_changed',
  'paused',
  'resumed',
  'cancelled',
  'reactivated',
];

/** A random onboarding customer: signup, events, and ticks until `until`. */
const customerArb = fc.record({
  signup: fc.integer({ min: 0, max: 60 * DAY }),
  events: fc.array(
    fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      day: fc.double({ min: 0, max: 120, noNaN: true }),
      score: fc.nat(100),
    }),
    { maxLength: 8 },
  ),
});

type Customer = typeof customerArb extends fc.Arbitrary<infer T> ? T : never;

function customerState(c: Customer, until: number): StageState {
  const machine = onboardingMachine();
  const signedUpAt = T0 + c.signup;
  let state = startStageMachine(machine, { signedUpAt, timeZone: 'Europe/Paris' }).state;
  const events = c.events
    .map((e) => ({ ...e, at: signedUpAt + Math.floor(e.day * DAY) }))
    .sort((a, b) => a.at - b.at);
  for (const e of events) {
    const properties = e.type === 'health_changed' ? { score: e.score } : {};
    state = transition(machine, state, { type: e.type, at: e.at, properties }, e.at).state;
  }
  return transition(machine, state, 'tick', until).state;
}

const FUNNEL = ['orientation', 'immersion', 'rooting', 'established'];

/** The naive reading: every figure recomputed from stageVisits, one state at a time. */
function naive(states: readonly StageState[], asOf: number, funnel: readonly string[]) {
  const stages = new Map<
    string,
    {
      customers: number;
      visits: number;
      current: number;
      durations: number[];
      totalMs: number;
      exits: Record<string, number>;
    }
  >();
  for (const s of onboardingMachine().stages) {
    stages.set(s, { customers: 0, visits: 0, current: 0, durations: [], totalMs: 0, exits: {} });
  }
  let customers = 0;
  const reached = funnel.map(() => 0);
  const stillIn = funnel.map(() => 0);
  for (const state of states) {
    const visits = stageVisits(state, asOf);
    if (visits.length === 0) continue;
    customers++;
    for (const stage of new Set(visits.map((v) => v.stage))) stages.get(stage)!.customers++;
    visits.forEach((v, i) => {
      const s = stages.get(v.stage)!;
      s.visits++;
      s.totalMs += v.ms;
      if (v.leftAt === null) s.current++;
      else {
        s.durations.push(v.ms);
        const next = visits[i + 1]!.stage;
        s.exits[next] = (s.exits[next] ?? 0) + 1;
      }
    });
    // the longest prefix of the funnel found as a subsequence of the stays
    let k = 0;
    for (const v of visits) if (k < funnel.length && v.stage === funnel[k]) k++;
    for (let i = 0; i < k; i++) reached[i]!++;
    if (k > 0 && k < funnel.length && visits.at(-1)!.stage === funnel[k - 1]) stillIn[k]!++;
  }
  return {
    customers,
    stages: Object.fromEntries(
      [...stages].map(([stage, s]) => [
        stage,
        {
          customers: s.customers,
          visits: s.visits,
          current: s.current,
          completed: s.durations.length,
          totalMs: s.totalMs,
          meanVisitMs:
            s.durations.length === 0
              ? null
              : s.durations.reduce((a, b) => a + b, 0) / s.durations.length,
          minVisitMs: s.durations.length === 0 ? null : Math.min(...s.durations),
          maxVisitMs: s.durations.length === 0 ? null : Math.max(...s.durations),
          exits: Object.fromEntries(Object.entries(s.exits).sort(([a], [b]) => (a < b ? -1 : 1))),
        },
      ]),
    ),
    reached,
    stillIn,
  };
}

describe('stageAnalytics', () => {
  it('equals the naive reading of every state’s stays, as of any instant', () => {
    fc.assert(
      fc.property(
        fc.array(customerArb, { maxLength: 25 }),
        fc.integer({ min: 0, max: 200 * DAY }),
        (customers, asOfOffset) => {
          const until = T0 + 200 * DAY;
          const states = customers.map((c) => customerState(c, until));
          const asOf = T0 + asOfOffset;
          const result = stageAnalytics(onboardingMachine(), states, { asOf, funnel: FUNNEL });
          const expected = naive(states, asOf, FUNNEL);
          expect(result.customers).toBe(expected.customers);
          for (const [stage, stats] of Object.entries(result.stages)) {
            const e = expected.stages[stage]!;
            expect({ ...stats, meanVisitMs: null }).toEqual({ ...e, meanVisitMs: null });
            if (e.meanVisitMs === null) expect(stats.meanVisitMs).toBeNull();
            else expect(stats.meanVisitMs).toBeCloseTo(e.meanVisitMs, 3);
          }
          expect(result.funnel.map((f) => f.reached)).toEqual(expected.reached);
          expect(result.funnel.map((f) => f.stillInPrevious)).toEqual(expected.stillIn);
          // invariants
          const all = Object.values(result.stages);
          expect(all.reduce((n, s) => n + s.current, 0)).toBe(result.customers);
          result.funnel.forEach((f, i) => {
            expect(f.from).toBe(i === 0 ? result.customers : result.funnel[i - 1]!.reached);
            expect(f.dropped).toBe(f.from - f.reached);
            if (f.conversion !== null) {
              expect(f.conversion).toBeGreaterThanOrEqual(0);
              expect(f.conversion).toBeLessThanOrEqual(1);
            } else expect(f.from).toBe(0);
            expect(f.stillInPrevious).toBeLessThanOrEqual(f.dropped);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('merges partitions, live or as JSON, in any order, to the answer of one pass', () => {
    fc.assert(
      fc.property(
        fc.array(customerArb, { maxLength: 30 }),
        fc.array(fc.nat(30), { maxLength: 4 }),
        (customers, cuts) => {
          const states = customers.map((c) => customerState(c, T0 + 150 * DAY));
          assertMergeable(
            () =>
              stageAnalyticsAccumulator(onboardingMachine(), {
                asOf: T0 + 100 * DAY,
                funnel: FUNNEL,
              }),
            states,
            cuts,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sums durations exactly, beyond the range of exact doubles', () => {
    const m = defineStageMachine({
      id: 'm',
      version: 1,
      initial: 'a',
      stages: { a: { final: true } },
    });
    const state = startStageMachine(m, { signedUpAt: -8e15 }).state;
    const acc = stageAnalyticsAccumulator(m, { asOf: 8e15 });
    for (let i = 0; i < 5; i++) acc.add(state);
    expect(acc.result().stages.a?.totalMs).toBe(8e16);
    expect(acc.snapshot().stages.a).toMatchObject({ totalHigh: Math.floor(8e16 / 2 ** 32) });
  });

  it('reports the counts behind every figure, and null when nothing completed', () => {
    const m = onboardingMachine();
    const fresh = startStageMachine(m, { signedUpAt: T0 }).state;
    const result = stageAnalytics(m, [fresh], {
      asOf: T0 + DAY,
      funnel: ['orientation', 'immersion'],
    });
    expect(result.stages.orientation).toEqual({
      customers: 1,
      visits: 1,
      current: 1,
      completed: 0,
      totalMs: DAY,
      meanVisitMs: null,
      minVisitMs: null,
      maxVisitMs: null,
      exits: {},
    });
    expect(result.funnel).toEqual([
      { stage: 'orientation', reached: 1, from: 1, conversion: 1, dropped: 0, stillInPrevious: 0 },
      { stage: 'immersion', reached: 0, from: 1, conversion: 0, dropped: 1, stillInPrevious: 1 },
    ]);
    const empty = stageAnalytics(m, [fresh], { asOf: T0 - 1, funnel: ['orientation'] });
    expect(empty.customers).toBe(0);
    expect(empty.funnel[0]?.conversion).toBeNull();
  });

  it('rejects what it cannot read', () => {
    const m = onboardingMachine();
    expect(() =>
      stageAnalytics(m, [], { asOf: T0, funnel: ['nope'] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: stageAnalytics: options.funnel[0] refers to something that does not exist (expected a declared stage)]`,
    );
    const good = startStageMachine(m, { signedUpAt: T0 }).state;
    let error: unknown;
    try {
      stageAnalytics(m, [good, { ...good, machine: 'other' }], { asOf: T0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionInputError);
    expect((error as RetentionInputError).index).toBe(1);
    expect((error as RetentionInputError).message).toMatchInlineSnapshot(
      `"stageAnalytics: states[1].machine has an invalid value: expected machine "onboarding""`,
    );
    const a = stageAnalyticsAccumulator(m, { asOf: T0 });
    const b = stageAnalyticsAccumulator(m, { asOf: T0 + 1 });
    expect(() => a.merge(b)).toThrow(RetentionError);
  });
});

describe('stageVisits and timeInStage', () => {
  it('list stays up to an instant and measure the current one with its carried time', () => {
    const m = onboardingMachine();
    let s = startStageMachine(m, { signedUpAt: T0 }).state;
    s = transition(
      m,
      s,
      { type: 'paused', at: T0 + 2 * DAY, properties: { length: '5d' } },
      T0 + 2 * DAY,
    ).state;
    s = transition(m, s, 'tick', T0 + 30 * DAY).state;
    expect(stageVisits(s, T0 + 3 * DAY)).toEqual([
      { stage: 'orientation', enteredAt: T0, leftAt: T0 + 2 * DAY, ms: 2 * DAY },
      { stage: 'paused', enteredAt: T0 + 2 * DAY, leftAt: null, ms: DAY },
    ]);
    expect(stageVisits(s, T0 + 10 * DAY).map((v) => v.stage)).toEqual([
      'orientation',
      'paused',
      'orientation',
    ]);
    // back in orientation on day 7 with 2 days already spent: 5 days on day 10
    expect(timeInStage(s, T0 + 10 * DAY)).toBe(5 * DAY);
    expect(timeInStage(s, T0)).toBe(2 * DAY);
    expect(stageVisits(s, T0 - 1)).toEqual([]);
  });
});
