/**
 * Triggers: automated, action-based communication. Rules are plain, versioned JSON (an event,
 * an event without a follow-up, inactivity, dates, segment entry, milestones, lifecycle stages),
 * compiled once into a pure, synchronous evaluator that returns the due actions with idempotency
 * keys, the pending actions to cancel, the customer's new bookkeeping state and the next instant
 * worth evaluating.
 *
 * @module triggers
 */

export {
  type CompiledRules,
  type CompileRulesOptions,
  compileRules,
  type ExplainedTriggerEvaluation,
  type PendingTriggerAction,
  type TriggerContext,
  type TriggerEvaluation,
  type TriggerRuleState,
  type TriggerState,
  type TriggerStateOptions,
  type TriggerWatch,
} from './compileRules';
export {
  type CompiledTemplate,
  compileTemplate,
  renderTemplate,
  type TemplateLimits,
  type TemplateRendering,
} from './compileTemplate';
export {
  type ConditionTrigger,
  type DateTrigger,
  type DateTriggerOffset,
  defineRule,
  type EventTrigger,
  type EventWithoutTrigger,
  type InactivityTrigger,
  type MilestoneTrigger,
  type RuleDelivery,
  type RuleExit,
  type RuleReentry,
  type RuleTrigger,
  type StageEnteredTrigger,
  type TriggerRule,
  triggerRuleSchema,
} from './defineRule';
export {
  type ActionExplanation,
  type DescribeTriggerExplanationOptions,
  describeTriggerExplanation,
  type OccurrenceExplanation,
  type OccurrenceOutcome,
  type RuleExplanation,
  type TriggerCancellation,
} from './describeTriggerExplanation';
export { evaluateTriggers } from './evaluateTriggers';
export {
  type EventTypeHistory,
  type TriggerHistory,
  type UpdateTriggerHistoryOptions,
  updateTriggerHistory,
} from './updateTriggerHistory';
