/**
 * Scoring: health scores built from product usage, named risk signals, and a fitted
 * churn-probability model, all explainable and all plain JSON in and out.
 *
 * @module scoring
 */

export {
  type ActivityDropEvidence,
  type ActivityDropOptions,
  activityDropSignal,
} from './activityDropSignal';
export {
  type ActivityFactsOptions,
  type ActivityHistory,
  type ActivityHistoryOptions,
  type ActivityOccurrence,
  type ActivityPropertyValue,
  type ActivityTypeFacts,
  type ActivityTypeHistory,
  activityFacts,
  updateActivityHistory,
} from './activityHistory';
export {
  type ChurnExamplesOptions,
  churnExamples,
  type LabelledChurnExample,
} from './churnExamples';
export { defineHealthModel } from './defineHealthModel';
export { type DescribeHealthScoreOptions, describeHealthScore } from './describeHealthScore';
export {
  type CalibrationBin,
  type CalibrationTableOptions,
  calibrationTable,
  logLoss,
  rocAuc,
  type ScoredOutcome,
} from './evaluation';
export {
  type ChurnEvaluation,
  type ChurnExample,
  type ChurnExplanation,
  type ChurnFeatures,
  type ChurnFeatureValue,
  type ChurnModel,
  describeChurnExplanation,
  explainChurn,
  type FitChurnModelOptions,
  fitChurnModel,
  predictChurn,
} from './fitChurnModel';
export type {
  HealthBand,
  HealthDimension,
  HealthDimensionDefinition,
  HealthFactReading,
  HealthMeasure,
  HealthMeasureDefinition,
  HealthMissingPolicy,
  HealthModel,
  HealthModelDefinition,
  HealthScale,
  HealthScorecard,
  HealthScorecardDefinition,
  HealthTier,
} from './healthModel';
export type { HealthOverride, HealthReference } from './healthScoring';
export { type RiskFeaturesOptions, riskFeatures } from './riskFeatures';
export { describeRiskSignal, type RiskSignal, type RiskSignalName } from './riskSignal';
export {
  type BadExperienceEvidence,
  type BadExperienceOptions,
  type BillingSwitchEvidence,
  type BillingSwitchOptions,
  badExperienceSignal,
  billingSwitchSignal,
  type EvaluateRiskSignalsOptions,
  evaluateRiskSignals,
  type FailedPaymentsEvidence,
  type FailedPaymentsOptions,
  failedPaymentsSignal,
  type IgnoredEmailsEvidence,
  type IgnoredEmailsOptions,
  type InactivityEvidence,
  type InactivityOptions,
  ignoredEmailsSignal,
  inactivitySignal,
  type RatingSource,
  type RiskSignals,
  type SeatUsage,
  type SeatUtilizationEvidence,
  type SeatUtilizationOptions,
  seatUtilizationSignal,
  type UnusedPaidFeatureEvidence,
  type UnusedPaidFeatureOptions,
  unusedPaidFeatureSignal,
} from './riskSignals';
export {
  type HealthDimensionScore,
  type HealthMeasureScore,
  type HealthScore,
  type ScoreHealthOptions,
  scoreHealth,
} from './scoreHealth';
export {
  type AccountHealth,
  type HealthPopulationMember,
  type HealthRollupOptions,
  type HealthScoreSummary,
  type MemberHealthScore,
  type PopulationHealth,
  type ScorePopulationOptions,
  scorePopulation,
} from './scorePopulation';
