/**
 * Scoring: health scores built from product usage, named risk signals, and a fitted
 * churn-probability model, all explainable and all plain JSON in and out.
 *
 * @module scoring
 */

export { defineHealthModel } from './defineHealthModel';
export { type DescribeHealthScoreOptions, describeHealthScore } from './describeHealthScore';
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
