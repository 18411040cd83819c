/**
 * Small helpers shared by the triggers tests (not exported from the package).
 *
 * @internal
 * @module
 */
import type { ActivityEvent, Attributes } from '../../src/core/records';
import type {
  CompiledRules,
  TriggerEvaluation,
  TriggerState,
} from '../../src/triggers/compileRules';

/** Epoch milliseconds of an ISO-8601 string. */
export const at = (iso: string): number => Date.parse(iso);

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** An event of customer `c1`. */
export function ev(
  id: string,
  type: string,
  when: number | string,
  properties?: Attributes,
): ActivityEvent {
  return {
    id,
    customerId: 'c1',
    type,
    at: when,
    ...(properties === undefined ? {} : { properties }),
  };
}

/** One step of a simulated run: events arriving at an instant. */
export interface Step {
  readonly now: number;
  readonly events?: readonly ActivityEvent[];
  readonly facts?: Attributes;
}

/** Threads the state through a sequence of evaluations, returning every result. */
export function run(
  rules: CompiledRules,
  steps: readonly Step[],
  options: {
    readonly timeZone?: string;
    readonly facts?: Attributes;
    readonly state?: TriggerState;
  } = {},
): TriggerEvaluation[] {
  let state: TriggerState | undefined = options.state;
  const out: TriggerEvaluation[] = [];
  for (const s of steps) {
    const r = rules.evaluate(
      {
        customerId: 'c1',
        ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
        facts: s.facts ?? options.facts ?? {},
        events: s.events ?? [],
        ...(state === undefined ? {} : { state }),
      },
      s.now,
    );
    state = r.state;
    out.push(r);
  }
  return out;
}

/** Follows `nextEvaluationAt` from a result until `until` (or `limit` steps), collecting results. */
export function follow(
  rules: CompiledRules,
  first: TriggerEvaluation,
  until: number,
  options: {
    readonly timeZone?: string;
    readonly facts?: Attributes;
    readonly limit?: number;
  } = {},
): TriggerEvaluation[] {
  const out: TriggerEvaluation[] = [];
  let current = first;
  for (let i = 0; i < (options.limit ?? 100); i++) {
    const next = current.nextEvaluationAt;
    if (next === null || next > until) break;
    current = rules.evaluate(
      {
        customerId: 'c1',
        ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
        facts: options.facts ?? {},
        state: current.state,
      },
      next,
    );
    out.push(current);
  }
  return out;
}

/** `template@ISO` for each action, to read tests at a glance. */
export function summary(result: TriggerEvaluation): string[] {
  return result.actions.map((a) => `${a.template}@${new Date(a.dueAt).toISOString()}`);
}
