import { describeType, failInput } from '../core/errors';
import type { InstantInput } from '../core/instant';
import type { CompiledRules, TriggerContext, TriggerEvaluation } from './compileRules';

/**
 * Evaluates a compiled rule set for one customer at one instant: the function a scheduler or an
 * engine calls on every tick and on every event. Pure and synchronous; the same as
 * `rules.evaluate(context, now)`.
 *
 * It returns the newly planned actions (core `PlannedAction`s, each with its idempotency key and
 * due time, sorted by due time), the pending actions an exit or a goal cancelled, the state to
 * store for the next call, and `nextEvaluationAt`: the next instant at which evaluating again
 * could plan or cancel something if no event arrives and no fact changes (`null` when nothing is
 * scheduled). Evaluate again at that instant, or earlier when an event arrives.
 *
 * @param rules - A rule set from {@link compileRules}.
 * @param context - The customer: id, time zone, facts, the events since the previous call and
 * the state it returned.
 * @param now - The instant of the evaluation.
 * @returns `{ state, actions, cancel, nextEvaluationAt }`.
 * @throws {RetentionInputError} When `rules` is not a compiled rule set, or the context, an
 * event, the state or `now` is malformed.
 *
 * @example
 * const rules = compileRules([{
 *   id: 'day-14-csat', version: 1,
 *   trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '14d' }] },
 *   actions: [{ channel: 'email', template: 'csat-survey' }],
 * }]);
 * const customer = { customerId: 'c1', facts: { signedUpAt: '2026-06-01T10:00:00Z' } };
 * const first = evaluateTriggers(rules, customer, '2026-06-02T00:00:00Z');
 * [first.actions.length, new Date(first.nextEvaluationAt!).toISOString()]
 * //=> [0, '2026-06-15T10:00:00.000Z']
 *
 * @example
 * const rules = compileRules([{ id: 'day-14-csat', version: 1, trigger: { kind: 'date', fact: 'signedUpAt', offsets: [{ after: '14d' }] }, actions: [{ channel: 'email', template: 'csat-survey' }] }]);
 * const customer = { customerId: 'c1', facts: { signedUpAt: '2026-06-01T10:00:00Z' } };
 * const first = evaluateTriggers(rules, customer, '2026-06-02T00:00:00Z');
 * const due = evaluateTriggers(rules, { ...customer, state: first.state }, first.nextEvaluationAt!);
 * due.actions.map((a) => [a.channel, a.template, new Date(a.dueAt).toISOString()])
 * //=> [['email', 'csat-survey', '2026-06-15T10:00:00.000Z']]
 *
 * @example
 * evaluateTriggers([] as never, { customerId: 'c1' }, 0)
 * //=> throws 'evaluateTriggers: rules ...'
 *
 * @category triggers
 */
export function evaluateTriggers(
  rules: CompiledRules,
  context: TriggerContext,
  now: InstantInput,
): TriggerEvaluation {
  if (
    typeof rules !== 'object' ||
    rules === null ||
    typeof (rules as { evaluate?: unknown }).evaluate !== 'function'
  ) {
    failInput(
      { fn: 'evaluateTriggers', root: 'rules' },
      {
        code: 'invalid_type',
        path: [],
        expected: 'a rule set from compileRules',
        received: describeType(rules),
      },
    );
  }
  return rules.evaluate(context, now);
}
