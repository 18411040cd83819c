/**
 * Test helpers for the win-back planner: an engine-like driver that feeds events as they happen
 * and wakes the customer when the planner asks, and the outbox it would hold.
 */
import type { PlannedAction } from '../../src/core/action';
import type { CappedAction } from '../../src/core/caps';
import type {
  PlanWinbackOptions,
  WinbackCustomer,
  WinbackDecision,
  WinbackEntry,
  WinbackEvent,
  WinbackPlan,
  WinbackPolicy,
  WinbackState,
} from '../../src/winback/index';
import { planWinback } from '../../src/winback/index';

export interface DriveResult {
  /** Every action planned, by key (the outbox), and the keys cancelled. */
  readonly planned: Map<string, PlannedAction>;
  readonly cancelled: Set<string>;
  /** Actions still wanted: planned and not cancelled. */
  readonly outbox: PlannedAction[];
  readonly decisions: WinbackDecision[];
  readonly closed: WinbackEntry[];
  readonly state: WinbackState | null;
  readonly plans: WinbackPlan[];
}

/**
 * Runs the planner the way an engine would: at each event (with the events up to it) and at
 * each wake-up, until `until`, plus at each of `extra` instants.
 */
export function drive(
  customer: WinbackCustomer,
  policy: WinbackPolicy,
  events: readonly (WinbackEvent & { at: number })[],
  until: number,
  options: {
    readonly extra?: readonly number[];
    readonly sent?: readonly CappedAction[];
    readonly horizon?: PlanWinbackOptions['horizon'];
    readonly roundTrip?: boolean;
  } = {},
): DriveResult {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const extra = [...(options.extra ?? [])].sort((a, b) => a - b);
  const planned = new Map<string, PlannedAction>();
  const cancelled = new Set<string>();
  const decisions: WinbackDecision[] = [];
  const closed: WinbackEntry[] = [];
  const plans: WinbackPlan[] = [];
  let state: WinbackState | null = null;
  let wake: number | null = null;
  let i = 0;
  let x = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let guard = 0; guard < 10_000; guard++) {
    const candidates = [
      i < sorted.length ? sorted[i]!.at : Number.POSITIVE_INFINITY,
      wake ?? Number.POSITIVE_INFINITY,
      x < extra.length ? extra[x]! : Number.POSITIVE_INFINITY,
    ];
    const now = Math.max(Math.min(...candidates), last);
    if (!Number.isFinite(now) || now > until) break;
    const batch: WinbackEvent[] = [];
    while (i < sorted.length && sorted[i]!.at <= now) batch.push(sorted[i++]!);
    while (x < extra.length && extra[x]! <= now) x++;
    const plan = planWinback(customer, policy, {
      now,
      state,
      events: batch,
      ...(options.sent === undefined ? {} : { sent: options.sent }),
      ...(options.horizon === undefined ? {} : { horizon: options.horizon }),
    });
    plans.push(plan);
    for (const a of plan.actions) {
      if (planned.has(a.key)) throw new Error(`action ${a.key} planned twice`);
      planned.set(a.key, a);
    }
    for (const k of plan.cancel) {
      if (!planned.has(k)) throw new Error(`cancelled ${k}, which was never planned`);
      cancelled.add(k);
    }
    decisions.push(...plan.decisions);
    closed.push(...plan.closed);
    state = options.roundTrip === true ? JSON.parse(JSON.stringify(plan.state)) : plan.state;
    wake = plan.nextWakeUpAt !== null && plan.nextWakeUpAt > now ? plan.nextWakeUpAt : null;
    last = now;
    if (i >= sorted.length && wake === null && x >= extra.length) break;
  }
  const outbox = [...planned.values()]
    .filter((a) => !cancelled.has(a.key))
    .sort((a, b) => a.dueAt - b.dueAt);
  return { planned, cancelled, outbox, decisions, closed, state, plans };
}
