import type { FixedDurationInput } from '../../core/duration';
import type { JsonValue } from '../../core/validate';
import {
  planWinback,
  type WinbackCustomer,
  type WinbackEvent,
  type WinbackPolicy,
  type WinbackState,
} from '../../winback/index';
import type { CustomerProfile, EnginePlanner } from '../types';

/**
 * Options of {@link winbackPlanner}.
 *
 * @category engine
 */
export interface WinbackPlannerOptions {
  /**
   * Plan actions only this far ahead; the planner wakes the customer to plan the rest (so a
   * policy change reaches steps not yet planned). @defaultValue `'1d'`
   */
  readonly horizon?: FixedDurationInput;
  /**
   * Your event types mapped to the ones `planWinback` knows (`{ churned: 'subscription_canceled' }`);
   * other types pass under their own names. @defaultValue `{}`
   */
  readonly events?: Readonly<Record<string, string>>;
}

const numberOr = (v: JsonValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const stringOr = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** The win-back customer of a profile: `plan`, `mrr`, `currency` and `ltv` from its attributes. */
function customerOf(profile: CustomerProfile): WinbackCustomer {
  const a = profile.attributes;
  const plan = stringOr(a.plan);
  const mrr = numberOr(a.mrr);
  const currency = stringOr(a.currency);
  const ltv = numberOr(a.ltv);
  return {
    id: profile.customerId,
    timeZone: profile.timeZone,
    ...(profile.signedUpAt === null ? {} : { signedUpAt: profile.signedUpAt }),
    ...(plan === undefined ? {} : { plan }),
    ...(mrr === undefined ? {} : { mrr }),
    ...(currency === undefined ? {} : { currency }),
    ...(ltv === undefined ? {} : { ltv }),
    attributes: a,
  };
}

/**
 * Runs a win-back policy (from `defineWinbackPolicy`) for each customer with `planWinback`:
 * a voluntary `subscription_canceled` starts the policy's sequence for the customer's segment
 * (exit reasons from `cancellation_requested` and `exit_survey_answered` events), a
 * `subscription_reactivated`, a reply or an unsubscribe stops it and cancels pending messages,
 * and each sequence that closes becomes a `winback_closed` signal carrying its entry (for
 * `winbackResults`). The customer's `plan`, `mrr`, `currency` and `ltv` attributes feed the
 * segments.
 *
 * @param policy - A policy from `defineWinbackPolicy`.
 * @param options - See {@link WinbackPlannerOptions}.
 * @returns The planner, named `'winback'`.
 *
 * @example
 * const planner = winbackPlanner(defineWinbackPolicy({ id: 'winback', version: 1 }), { horizon: '60d' });
 * const r = planner.plan(null, {
 *   customerId: 'c1', now: Date.UTC(2026, 2, 2, 10), signals: [],
 *   profile: { customerId: 'c1', signedUpAt: Date.UTC(2025, 0, 1), timeZone: 'UTC', attributes: { plan: 'team' } },
 *   events: [{ id: 'x1', seq: 1, customerId: 'c1', type: 'subscription_canceled', at: Date.UTC(2026, 2, 2, 9), properties: { kind: 'voluntary' } }],
 * });
 * r.actions.map((a) => a.template)
 * //=> ['winback-ask-why', 'winback-solution', 'winback-offer']
 *
 * @category engine
 */
export function winbackPlanner(
  policy: WinbackPolicy,
  options: WinbackPlannerOptions = {},
): EnginePlanner<WinbackState | null> {
  const horizon = options.horizon ?? '1d';
  const mapping = options.events ?? {};
  return {
    name: 'winback',
    plan(prior, { events, profile, now }) {
      const input: readonly WinbackEvent[] = events.map((e) => {
        const type = mapping[e.type];
        return type === undefined ? e : { ...e, type };
      });
      const plan = planWinback(customerOf(profile), policy, {
        now,
        state: prior ?? null,
        events: input,
        horizon,
      });
      return {
        state: plan.state,
        actions: plan.actions,
        cancel: plan.cancel,
        wakeAt: plan.nextWakeUpAt,
        signals: plan.closed.map((entry) => ({
          type: 'winback_closed',
          at: now,
          data: { entry: JSON.parse(JSON.stringify(entry)) as JsonValue },
        })),
      };
    },
  };
}
