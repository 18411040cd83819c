import type { ActivityEvent, Attributes } from '../../core/records';
import type { JsonValue } from '../../core/validate';
import { type CompiledRules, evaluateTriggers, type TriggerState } from '../../triggers/index';
import type { EnginePlanner } from '../types';
import { signalEvent } from './signals';

/**
 * The triggers planner's state for one customer: the rule set's state, and what the signals of
 * earlier planners last said about the customer's stage and health (kept as facts).
 *
 * @category engine
 */
export interface TriggersPlannerState {
  readonly triggers: TriggerState;
  /** The stage the customer last entered, from `stage_entered` signals. */
  readonly stage: string | null;
  /** The latest health score and band, from `health_changed` signals. */
  readonly health: { readonly score: number; readonly band: string } | null;
}

/**
 * Evaluates a trigger rule set (from `compileRules`) for each customer with
 * `evaluateTriggers`: the customer's new events and the signals of the planners before it
 * (`stage_entered`, `health_changed`, `risk_detected`, `dunning_closed`...) are the rule set's
 * events, so a `stageEntered` rule fires in the same evaluation as the stage change. The facts
 * are the customer's attributes (also at the top level, so `ltv` and `attributes.ltv` both
 * work), `signedUpAt`, `stage` and `health` (`health.score`, `health.band`). Actions go to the
 * outbox with the rule set's idempotency keys; exits and goals cancel pending ones; the customer
 * is woken at `nextEvaluationAt`.
 *
 * @param rules - A rule set from `compileRules`.
 * @returns The planner, named `'triggers'`.
 *
 * @example
 * const rules = compileRules([{
 *   id: 'welcome', version: 1, trigger: { kind: 'stageEntered', stage: 'orientation' },
 *   actions: [{ channel: 'email', template: 'welcome' }],
 * }]);
 * const r = triggersPlanner(rules).plan(null, {
 *   customerId: 'c1', now: Date.UTC(2026, 0, 1), events: [],
 *   signals: [{ type: 'stage_entered', at: Date.UTC(2026, 0, 1), data: { stage: 'orientation', seq: 1 } }],
 *   profile: { customerId: 'c1', signedUpAt: Date.UTC(2026, 0, 1), timeZone: 'UTC', attributes: {} },
 * });
 * [r.actions.map((a) => a.template), r.state.stage]
 * //=> [['welcome'], 'orientation']
 *
 * @category engine
 */
export function triggersPlanner(rules: CompiledRules): EnginePlanner<TriggersPlannerState | null> {
  return {
    name: 'triggers',
    plan(prior, { customerId, events, signals, profile, now }) {
      let stage = prior?.stage ?? null;
      let health = prior?.health ?? null;
      const input: readonly ActivityEvent[] =
        signals.length === 0
          ? events
          : [...events, ...signals.map((s, i) => signalEvent(customerId, s, i))];
      for (const s of signals) {
        if (s.type === 'stage_entered' && typeof s.data.stage === 'string') stage = s.data.stage;
        if (
          s.type === 'health_changed' &&
          typeof s.data.score === 'number' &&
          typeof s.data.band === 'string'
        )
          health = { score: s.data.score, band: s.data.band };
      }
      const facts: Attributes = {
        ...profile.attributes,
        attributes: profile.attributes,
        signedUpAt: profile.signedUpAt,
        stage,
        health: health as JsonValue,
      };
      const r = evaluateTriggers(
        rules,
        {
          customerId,
          timeZone: profile.timeZone,
          facts,
          events: input,
          ...(prior?.triggers === undefined ? {} : { state: prior.triggers }),
        },
        now,
      );
      return {
        state: { triggers: r.state, stage, health },
        actions: r.actions,
        cancel: r.cancel.map((c) => c.key),
        wakeAt: r.nextEvaluationAt,
      };
    },
  };
}
