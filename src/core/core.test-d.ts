import { describe, expectTypeOf, it } from 'vitest';
import {
  type Accumulator,
  addDuration,
  type Condition,
  compileCondition,
  type Duration,
  type DurationInput,
  type Instant,
  type InstantInput,
  type Money,
  money,
  type PlannedAction,
  parseDuration,
  periodSeries,
  planAction,
  type RetentionErrorCode,
  toInstant,
  toPeriod,
} from '../index';

describe('core public types', () => {
  it('instants go in as Date | number | string and come out as numbers', () => {
    expectTypeOf(toInstant).parameter(0).toEqualTypeOf<InstantInput>();
    expectTypeOf(toInstant('2026-01-01')).toEqualTypeOf<Instant>();
    expectTypeOf<Instant>().toEqualTypeOf<number>();
    expectTypeOf(toPeriod({ from: new Date(), to: '2026-01-01' })).toEqualTypeOf<{
      readonly from: number;
      readonly to: number;
    }>();
    // @ts-expect-error booleans are not instants
    toInstant(true);
  });

  it('durations accept strings, numbers and calendar objects, and nothing else', () => {
    expectTypeOf<'3h'>().toExtend<DurationInput>();
    expectTypeOf<{ months: 1 }>().toExtend<DurationInput>();
    expectTypeOf(parseDuration('7d')).toEqualTypeOf<Duration>();
    expectTypeOf(addDuration(0, { days: 1 }, { timeZone: 'UTC' })).toEqualTypeOf<number>();
    // @ts-expect-error unknown calendar unit
    addDuration(0, { fortnights: 1 });
    // @ts-expect-error options object only
    addDuration(0, '1d', 'UTC');
  });

  it('conditions are checked structurally', () => {
    const ok: Condition = {
      all: [
        { fact: 'plan', op: 'eq', value: 'team' },
        { not: { fact: 'ltv', op: 'lt', value: 10 } },
      ],
    };
    expectTypeOf(compileCondition(ok).evaluate).returns.toEqualTypeOf<boolean>();
    // @ts-expect-error unknown operator
    const bad: Condition = { fact: 'plan', op: 'matches', value: 'x' };
    void bad;
  });

  it('money and actions have the documented shapes', () => {
    expectTypeOf(money(1, 'USD')).toEqualTypeOf<Money>();
    expectTypeOf(planAction).returns.toEqualTypeOf<PlannedAction>();
    expectTypeOf(periodSeries({ from: 0, to: 1 }, 'day')[0]!.label).toEqualTypeOf<string>();
    expectTypeOf<'invalid_input'>().toExtend<RetentionErrorCode>();
  });

  it('accumulators are typed by record, result and snapshot', () => {
    type A = Accumulator<{ id: string }, number, { n: number }>;
    expectTypeOf<A['add']>().parameter(0).toEqualTypeOf<{ id: string }>();
    expectTypeOf<ReturnType<A['result']>>().toEqualTypeOf<number>();
    expectTypeOf<A['merge']>().parameter(0).toEqualTypeOf<A | { n: number }>();
  });
});
