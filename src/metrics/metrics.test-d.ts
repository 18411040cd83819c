import { describe, expectTypeOf, it } from 'vitest';
import type { Accumulator } from '../core/accumulator';
import type { ActivityEvent, Lifetime, MrrChange, Order, SurveyResponse } from '../core/records';
import type { JsonValue } from '../core/validate';
import {
  type ActivationRateResult,
  activationRate,
  type ChurnRateResult,
  type CohortRetentionResult,
  churnRate,
  churnRateAccumulator,
  cohortRetention,
  csat,
  type FeatureUsageByOutcomeResult,
  type FeatureUsageRecord,
  type FunnelResult,
  featureUsageByOutcome,
  featureUsageByOutcomeAccumulator,
  firstMonthChurn,
  funnel,
  grossRevenueRetention,
  type LifecycleCompositionResult,
  lifecycleComposition,
  ltv,
  ltvLoss,
  type MetricEvent,
  type MetricSnapshot,
  type MrrMovementsResult,
  mrrMovements,
  mrrMovementsAccumulator,
  type NetRevenueRetentionResult,
  netRevenueRetention,
  nps,
  type npsAccumulator,
  type RepeatPurchaseRateResult,
  type RevenueChurnResult,
  repeatPurchaseRate,
  revenueChurn,
  type TimeToFirstValueResult,
  timeToFirstValue,
  timeToSecondPurchase,
} from './index';

const period = { from: '2026-01-01', to: '2026-02-01' };

describe('metrics public types', () => {
  it('take the core records, or any record with the fields they read', () => {
    expectTypeOf(churnRate).parameter(0).toEqualTypeOf<Iterable<Lifetime>>();
    expectTypeOf<ActivityEvent>().toExtend<MetricEvent>();
    expectTypeOf<{ customerId: string; type: string; at: Date }>().toExtend<MetricEvent>();
    expectTypeOf<Order>().toExtend<
      Parameters<typeof repeatPurchaseRate>[0] extends Iterable<infer T> ? T : never
    >();
    expectTypeOf<SurveyResponse>().toExtend<
      Parameters<typeof nps>[0] extends Iterable<infer T> ? T : never
    >();
    expectTypeOf(mrrMovements).parameter(0).toEqualTypeOf<Iterable<MrrChange>>();
    // a generator is an iterable
    function* lifetimes(): Generator<Lifetime> {}
    expectTypeOf(churnRate(lifetimes(), period)).toEqualTypeOf<ChurnRateResult>();
  });

  it('return typed results whose rates are number | null', () => {
    expectTypeOf(churnRate([], period).rate).toEqualTypeOf<number | null>();
    expectTypeOf(netRevenueRetention([], period)).toEqualTypeOf<NetRevenueRetentionResult>();
    expectTypeOf(grossRevenueRetention([], period).rate).toEqualTypeOf<number | null>();
    expectTypeOf(revenueChurn([], period)).toEqualTypeOf<RevenueChurnResult>();
    expectTypeOf(mrrMovements([], period)).toEqualTypeOf<MrrMovementsResult>();
    expectTypeOf(firstMonthChurn([]).rate).toEqualTypeOf<number | null>();
    expectTypeOf(
      timeToFirstValue([], { start: 'signup', value: 'x', asOf: 0 }),
    ).toEqualTypeOf<TimeToFirstValueResult>();
    expectTypeOf(
      timeToFirstValue([], { start: 'signup', value: 'x', asOf: 0 }).median,
    ).toEqualTypeOf<number | null>();
    expectTypeOf(
      activationRate([], { keyActions: ['a'], window: '7d' }),
    ).toEqualTypeOf<ActivationRateResult>();
    expectTypeOf(
      cohortRetention([], { granularity: 'week' }),
    ).toEqualTypeOf<CohortRetentionResult>();
    expectTypeOf(
      lifecycleComposition([], { granularity: 'week' }),
    ).toEqualTypeOf<LifecycleCompositionResult>();
    expectTypeOf(repeatPurchaseRate([])).toEqualTypeOf<RepeatPurchaseRateResult>();
    expectTypeOf(timeToSecondPurchase([]).p90).toEqualTypeOf<number | null>();
    expectTypeOf(nps([]).score).toEqualTypeOf<number | null>();
    expectTypeOf(csat([]).rate).toEqualTypeOf<number | null>();
    expectTypeOf(funnel([], { steps: ['a'], window: '1d' })).toEqualTypeOf<FunnelResult>();
    expectTypeOf(
      featureUsageByOutcome([], [], { asOf: 0 }),
    ).toEqualTypeOf<FeatureUsageByOutcomeResult>();
    expectTypeOf(ltv({ arpa: 1, churnRate: 0.1 }).value).toEqualTypeOf<number | null>();
    expectTypeOf(ltvLoss({ ltv: 1, cac: 1 }).value).toEqualTypeOf<number | null>();
  });

  it('have accumulator forms whose snapshots are JSON and merge back', () => {
    expectTypeOf(churnRateAccumulator(period)).toEqualTypeOf<
      Accumulator<Lifetime, ChurnRateResult, MetricSnapshot>
    >();
    expectTypeOf(mrrMovementsAccumulator(period).snapshot()).toEqualTypeOf<MetricSnapshot>();
    expectTypeOf<MetricSnapshot['state']>().toEqualTypeOf<JsonValue>();
    expectTypeOf<MetricSnapshot>().toExtend<
      Parameters<ReturnType<typeof npsAccumulator>['merge']>[0]
    >();
    expectTypeOf(featureUsageByOutcomeAccumulator({ asOf: 0 }).add)
      .parameter(0)
      .toEqualTypeOf<FeatureUsageRecord>();
  });

  it('reject what must not compile', () => {
    // @ts-expect-error the period is required
    churnRate([]);
    // @ts-expect-error unknown method
    churnRate([], { ...period, method: 'stripe' });
    // @ts-expect-error a lifetime needs a start
    churnRate([{ customerId: 'a' }], period);
    // @ts-expect-error MRR is a number of minor units
    mrrMovements([{ customerId: 'a', at: 0, mrr: '99.00' }], period);
    // @ts-expect-error unknown criterion
    cohortRetention([], { granularity: 'week', criterion: 'rolling' });
    // @ts-expect-error granularity is required
    lifecycleComposition([], {});
    // @ts-expect-error asOf is required for time to first value
    timeToFirstValue([], { start: 'signup', value: 'x' });
    // @ts-expect-error booleans are not durations
    funnel([], { steps: ['a'], window: true });
    // @ts-expect-error the converter takes amount, from, to
    netRevenueRetention([], { ...period, currency: 'USD', convert: (_amount: string) => 0 });
    // @ts-expect-error one trailing options object, no positional arguments
    repeatPurchaseRate([], '90d');
  });
});
