/**
 * Fixtures for the dunning tests: a standard policy, a subscription, and a driver that plays a
 * billing backend (it runs the planned retries and decides their outcome) the way the engine
 * will.
 */
import type { Subscription } from '../../src/core/records';
import { toLocal } from '../../src/core/timeZone';
import {
  type DunningEvent,
  type DunningPlan,
  type DunningPolicy,
  type DunningPolicyDefinition,
  type DunningState,
  defineDunningPolicy,
  type PlanDunningOptions,
  planDunning,
} from '../../src/dunning/index';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export const standardDefinition: DunningPolicyDefinition = {
  id: 'standard',
  version: 1,
  billing: { interval: 'month' },
  updatePaymentUrl: 'https://example.com/billing/{customerId}',
  retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
  finalAction: { type: 'cancel' },
};

export function policy(overrides: Partial<DunningPolicyDefinition> = {}): DunningPolicy {
  return defineDunningPolicy({ ...standardDefinition, ...overrides });
}

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: 'sub_1',
    customerId: 'cus_1',
    plan: 'team',
    status: 'active',
    billingInterval: 'month',
    amount: 4900,
    currency: 'EUR',
    startedAt: '2026-01-10T09:00:00Z',
    currentPeriodEnd: '2026-06-10T09:00:00Z',
    ...overrides,
  };
}

/** Epoch milliseconds of an ISO-8601 string. */
export const t = (iso: string): number => Date.parse(iso);

/** `'YYYY-MM-DD HH:mm'` of an instant on the wall clock of a zone. */
export function local(instant: number, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
}

export const failed = (
  at: string | number,
  declineCode?: string,
  extra: Partial<Extract<DunningEvent, { type: 'payment_failed' }>> = {},
): DunningEvent => ({
  type: 'payment_failed',
  at,
  amount: 4900,
  currency: 'EUR',
  ...(declineCode === undefined ? {} : { declineCode }),
  ...extra,
});

export const paid = (
  at: string | number,
  amount = 4900,
  extra: Partial<Extract<DunningEvent, { type: 'payment_succeeded' }>> = {},
): DunningEvent => ({ type: 'payment_succeeded', at, amount, currency: 'EUR', ...extra });

export const updated = (at: string | number): DunningEvent => ({
  type: 'payment_method_updated',
  at,
});

/** A summary of the steps: `kind@local time`. */
export function kinds(plan: DunningPlan, timeZone = 'UTC'): string[] {
  return plan.steps.map((s) => `${s.kind}@${local(s.dueAt, timeZone)}`);
}

/**
 * Plays a billing backend against the planner: it wakes at `nextWakeUpAt`, runs the retries that
 * are due (their outcome comes from `outcome`), and feeds the results back as events, until
 * nothing is left to do or `until` is reached.
 */
export function drive(
  sub: Subscription,
  dunningPolicy: DunningPolicy,
  start: {
    readonly state?: DunningState;
    readonly events: readonly DunningEvent[];
    readonly now: number;
  },
  outcome: (attempt: number, at: number) => { ok: true } | { ok: false; code: string },
  options: Omit<PlanDunningOptions, 'now' | 'state' | 'events'> & { readonly until?: number } = {},
): { plans: DunningPlan[]; retries: number[] } {
  const plans: DunningPlan[] = [];
  const retries: number[] = [];
  const done = new Set<string>();
  let plan = planDunning(sub, dunningPolicy, { ...options, ...start });
  plans.push(plan);
  const until = options.until ?? start.now + 120 * DAY;
  let attempt = 1;
  for (
    let guard = 0;
    guard < 200 && plan.nextWakeUpAt !== null && plan.nextWakeUpAt <= until;
    guard++
  ) {
    const now = plan.nextWakeUpAt;
    const events: DunningEvent[] = [];
    for (const step of plan.steps) {
      if (step.dueAt > now || done.has(step.action.key)) continue;
      done.add(step.action.key);
      if (step.kind !== 'retry') continue;
      retries.push(step.dueAt);
      attempt++;
      const result = outcome(attempt, step.dueAt);
      const amount = step.action.params.amount as number;
      events.push(
        result.ok
          ? { type: 'payment_succeeded', at: step.dueAt, amount, currency: step.currency }
          : {
              type: 'payment_failed',
              at: step.dueAt,
              amount,
              currency: step.currency,
              declineCode: result.code,
            },
      );
    }
    plan = planDunning(sub, dunningPolicy, { ...options, now, state: plan.state, events });
    plans.push(plan);
  }
  return { plans, retries };
}
