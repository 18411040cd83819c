import { describe, expectTypeOf, it } from 'vitest';
import type { Instant, PlannedAction } from '../core/index';
import {
  type CancellationSavePlan,
  classifyExitReason,
  defineWinbackPolicy,
  type ExitReason,
  type ExitReasonClassification,
  planCancellationSave,
  planWinback,
  type WinbackCustomer,
  type WinbackEntry,
  type WinbackPlan,
  type WinbackPolicy,
  type WinbackState,
  winbackHoldoutGroup,
  winbackResults,
} from './index';

describe('winback public types', () => {
  it('planWinback takes a customer, a policy and options, and returns core planned actions', () => {
    expectTypeOf(planWinback).parameter(0).toEqualTypeOf<WinbackCustomer>();
    expectTypeOf(planWinback).parameter(1).toEqualTypeOf<WinbackPolicy>();
    expectTypeOf(planWinback).returns.toEqualTypeOf<WinbackPlan>();
    expectTypeOf<WinbackPlan['actions']>().toEqualTypeOf<readonly PlannedAction[]>();
    expectTypeOf<WinbackPlan['nextWakeUpAt']>().toEqualTypeOf<Instant | null>();
    expectTypeOf<WinbackPlan['state']>().toEqualTypeOf<WinbackState>();
    expectTypeOf<WinbackPlan['cancel']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<WinbackPlan['closed']>().toEqualTypeOf<readonly WinbackEntry[]>();
    const policy = defineWinbackPolicy({ id: 'w', version: 1 });
    // @ts-expect-error now is required
    planWinback({ id: 'c' }, policy, {});
    // @ts-expect-error a policy definition must go through defineWinbackPolicy first
    planWinback({ id: 'c' }, { id: 'w', version: 1 }, { now: 0 });
  });

  it('exit reasons are a closed union', () => {
    expectTypeOf(classifyExitReason).returns.toEqualTypeOf<ExitReasonClassification>();
    expectTypeOf<ExitReasonClassification['reason']>().toEqualTypeOf<ExitReason>();
    const policy = defineWinbackPolicy({ id: 'w', version: 1 });
    expectTypeOf(winbackHoldoutGroup('c', policy)).toEqualTypeOf<'treatment' | 'holdout'>();
    expectTypeOf(planCancellationSave).returns.toEqualTypeOf<CancellationSavePlan>();
    // @ts-expect-error 'too_expensive' is not an exit reason
    planCancellationSave({ id: 'c' }, 'too_expensive', policy as never, { now: 0 });
    // @ts-expect-error winbackResults takes closed entries, not a number
    winbackResults(3);
  });
});
