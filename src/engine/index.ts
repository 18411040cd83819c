/**
 * The engine: the only effectful part of retention-kit. It ingests events and, on each tick,
 * evaluates due customers with the pure planners and delivers due actions, through the storage
 * and delivery adapters, without losing or duplicating an action.
 *
 * @module engine
 */
export {
  createRetentionEngine,
  type RetentionEngine,
  type RetentionEngineOptions,
  type RetryOptions,
  type TickOptions,
} from './engine';
export {
  type DunningPlannerEntry,
  type DunningPlannerOptions,
  type DunningPlannerState,
  dunningPlanner,
  PAYMENT_EVENTS,
  SUBSCRIPTION_EVENT,
} from './planners/dunning';
export { type LifecyclePlannerOptions, lifecyclePlanner, stageSignal } from './planners/lifecycle';
export {
  type ScoringPlannerOptions,
  type ScoringPlannerState,
  scoringFacts,
  scoringPlanner,
} from './planners/scoring';
export { type TriggersPlannerState, triggersPlanner } from './planners/triggers';
export { type WinbackPlannerOptions, winbackPlanner } from './planners/winback';
export { foldProfile, PROFILE_EVENT } from './profile';
export type {
  CustomerProfile,
  DeliverReport,
  EngineCustomerState,
  EngineEvents,
  EngineFailure,
  EnginePlanner,
  EngineSignal,
  EvaluateReport,
  PlannerInput,
  PlannerResult,
  TickReport,
} from './types';
