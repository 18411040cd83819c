/**
 * Win-back and cancellation saves: the exit-reason taxonomy and a free-text classifier (English
 * and Russian built in), breakdowns of why customers leave, save offers that fit the reason
 * before a cancel goes through, and win-back sequences for customers who left: eligibility,
 * segments in the condition language, caring message sequences with time-limited offers, stop
 * conditions, caps and quiet hours, idempotency keys, a deterministic holdout, and results
 * against it.
 *
 * @module winback
 */

export {
  type CancellationSavePlan,
  type CancellationSavePolicy,
  type CancellationSavePolicyDefinition,
  type DiscountOfferDefinition,
  type DiscountSaveOffer,
  type DowngradeOfferDefinition,
  type DowngradeSaveOffer,
  defineCancellationSavePolicy,
  type HumanOfferDefinition,
  type HumanSaveOffer,
  type PauseOfferDefinition,
  type PauseSaveOffer,
  type PlanCancellationSaveOptions,
  planCancellationSave,
  type SaveCustomer,
  type SaveOffer,
  type SaveOfferDefinition,
  type SaveOfferDefinitionBase,
  type SaveOfferKind,
  type SaveOfferSkip,
} from './cancellationSave';
export {
  type CancellationSaveOutcome,
  type CancellationSaveResults,
  type CancellationSaveResultsAccumulator,
  type CancellationSaveResultsOptions,
  type CancellationSaveResultsSnapshot,
  cancellationSaveResults,
  cancellationSaveResultsAccumulator,
  type SaveOfferRow,
  type SaveReasonRow,
} from './cancellationSaveResults';
export {
  builtInExitReasonKeywords,
  classifyExitReason,
  type ExitReasonClassification,
  type ExitReasonDictionary,
  type ExitReasonEvidence,
  type ExitReasonKeyword,
} from './classifyExitReason';
export {
  defaultWinbackSequence,
  defineWinbackPolicy,
  type WinbackDeliveryDefinition,
  type WinbackEligibilityDefinition,
  type WinbackOffer,
  type WinbackOfferDefinition,
  type WinbackPolicy,
  type WinbackPolicyDefinition,
  type WinbackSegmentDefinition,
  type WinbackStep,
  type WinbackStepDefinition,
  type WinbackStepPurpose,
} from './defineWinbackPolicy';
export {
  type ExitReasonBreakdown,
  type ExitReasonBreakdownAccumulator,
  type ExitReasonBreakdownOptions,
  type ExitReasonBreakdownRow,
  type ExitReasonBreakdownSnapshot,
  type ExitReasonResponse,
  type ExitReasonTally,
  exitReasonBreakdown,
  exitReasonBreakdownAccumulator,
} from './exitReasonBreakdown';
export { EXIT_REASONS, type ExitReason, isExitReason } from './exitReasons';
export {
  type PlanWinbackOptions,
  planWinback,
  type WinbackCustomer,
  type WinbackDecision,
  type WinbackEntry,
  type WinbackEvent,
  type WinbackIneligibility,
  type WinbackOfferState,
  type WinbackPendingEntry,
  type WinbackPlan,
  type WinbackState,
  type WinbackStepState,
  type WinbackStopReason,
} from './planWinback';
export { winbackHoldoutGroup } from './winbackHoldoutGroup';
export {
  type WinbackComparison,
  type WinbackGroupResult,
  type WinbackResultEntry,
  type WinbackResults,
  type WinbackResultsAccumulator,
  type WinbackResultsOptions,
  type WinbackResultsSnapshot,
  winbackResults,
  winbackResultsAccumulator,
} from './winbackResults';
