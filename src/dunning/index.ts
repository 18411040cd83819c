/**
 * Dunning: recovering failed payments before they become churn. Decline classification,
 * pre-charge and card-expiry reminders, retry schedules, overdue stages and final actions as a
 * policy of plain data, a pure planner that turns state, events and `now` into planned actions,
 * and recovery metrics.
 *
 * @module dunning
 */

export {
  classifyDecline,
  type DeclineClass,
  type DeclineClassification,
  type DeclineReason,
  type KnownDeclineCode,
  knownDeclineCodes,
  type SoftDeclineReason,
} from './classifyDecline';
export {
  type AccessLevel,
  type DunningFinalActionDefinition,
  type DunningMessagesDefinition,
  type DunningOffset,
  type DunningPolicy,
  type DunningPolicyDefinition,
  type DunningReminderDefinition,
  type DunningRetryDefinition,
  type DunningStageDefinition,
  defineDunningPolicy,
  type FinalActionType,
  type ResolvedActionSpec,
  type RetrySchedules,
} from './defineDunningPolicy';
export {
  type DunningMetrics,
  type DunningMetricsAccumulator,
  type DunningMetricsAccumulatorOptions,
  type DunningMetricsOptions,
  type DunningMetricsSnapshot,
  dunningMetrics,
  dunningMetricsAccumulator,
} from './dunningMetrics';
export {
  type DunningAttempt,
  type DunningCampaign,
  type DunningEvent,
  type DunningPlan,
  type DunningState,
  type DunningStep,
  type DunningStepKind,
  type PaymentFailedEvent,
  type PaymentMethodUpdatedEvent,
  type PaymentSucceededEvent,
  type PlanDunningOptions,
  type PolicyMigratedEvent,
  planDunning,
  toDunningEvent,
} from './planDunning';
