/**
 * Stage machines for the road after purchase: definitions as data, a pure transition function,
 * wake-up times for an engine, versioned migrations, stage analytics, and the default onboarding
 * machine.
 *
 * @module lifecycle
 */

export {
  type DefineStageMachineOptions,
  defineStageMachine,
  type StageDefinition,
  type StageEventView,
  type StageFacts,
  type StageGuard,
  type StageGuardContext,
  type StageHold,
  type StageMachine,
  type StageMachineDefinition,
  type StageMigration,
  type StageTransitionDefinition,
} from './defineStageMachine';
export { migrateStageState } from './migrateStageState';
export { nextWakeUp } from './nextWakeUp';
export {
  type OnboardingStage,
  onboardingDefinition,
  onboardingMachine,
} from './onboardingMachine';
export { parseStageState } from './parseStageState';
export {
  type StageAnalytics,
  type StageAnalyticsOptions,
  type StageAnalyticsSnapshot,
  type StageFunnelStep,
  type StageStats,
  stageAnalytics,
  stageAnalyticsAccumulator,
} from './stageAnalytics';
export { stageEnteredEvent } from './stageEnteredEvent';
export { type StageVisit, stageVisits } from './stageVisits';
export { type StageCustomer, startStageMachine } from './startStageMachine';
export { timeInStage } from './timeInStage';
export {
  type InterruptedStage,
  type PendingStageEvent,
  type StageChange,
  type StageChangeCause,
  type StageEntry,
  type StageEvent,
  type StageInput,
  type StageState,
  type StageTransitionResult,
  type TransitionOptions,
  transition,
} from './transition';
