/**
 * Retention metrics as pure, streaming, mergeable calculators (customer and revenue churn, MRR
 * movements, NRR and GRR, time to first value, activation, LTV, cohort retention, lifecycle,
 * repeat purchases, NPS and CSAT, funnels, feature usage by outcome), each taking any iterable in
 * one pass with an accumulator form whose partitions merge to the same answer; and the
 * retention-projection models (Kaplan-Meier, shifted-beta-geometric, BG/NBD and Gamma-Gamma).
 *
 * @module metrics
 */

export {
  type ActivationRateOptions,
  type ActivationRateResult,
  activationRate,
  activationRateAccumulator,
  type KeyActionShare,
} from './activationRate';
export {
  type BgNbdCustomer,
  type BgNbdFit,
  type BgNbdParams,
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  type FitBgNbdOptions,
  fitBgNbd,
} from './bgNbd';
export {
  type ChurnRateMethod,
  type ChurnRateOptions,
  type ChurnRateResult,
  churnRate,
  churnRateAccumulator,
} from './churnRate';
export {
  type CohortRetentionCell,
  type CohortRetentionOptions,
  type CohortRetentionResult,
  type CohortRetentionRow,
  cohortRetention,
  cohortRetentionAccumulator,
  type RetentionCriterion,
} from './cohortRetention';
export { type CsatResult, csat, csatAccumulator } from './csat';
export {
  type CustomerLifetimeValueOptions,
  customerLifetimeValue,
  type LifetimeValueCustomer,
} from './customerLifetimeValue';
export {
  type FeatureUsage,
  type FeatureUsageByOutcomeOptions,
  type FeatureUsageByOutcomeResult,
  type FeatureUsageRecord,
  featureUsageByOutcome,
  featureUsageByOutcomeAccumulator,
} from './featureUsageByOutcome';
export {
  type FirstMonthChurnOptions,
  type FirstMonthChurnResult,
  firstMonthChurn,
  firstMonthChurnAccumulator,
} from './firstMonthChurn';
export {
  type FunnelOptions,
  type FunnelResult,
  type FunnelStep,
  funnel,
  funnelAccumulator,
} from './funnel';
export {
  type FitGammaGammaOptions,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  gammaGammaExpectedSpend,
  type SpendCustomer,
} from './gammaGamma';
export {
  type GrossRevenueRetentionResult,
  grossRevenueRetention,
  grossRevenueRetentionAccumulator,
} from './grossRevenueRetention';
export type { MetricEvent, MetricOrder, MetricSurveyAnswer } from './inputs';
export {
  type KaplanMeierCurve,
  type KaplanMeierOptions,
  kaplanMeier,
  kaplanMeierRemainingLifetime,
  type RemainingLifetime,
  type SurvivalBand,
  type SurvivalObservation,
} from './kaplanMeier';
export {
  type LifecycleCompositionOptions,
  type LifecycleCompositionResult,
  type LifecyclePeriod,
  lifecycleComposition,
  lifecycleCompositionAccumulator,
} from './lifecycleComposition';
export { type LtvOptions, type LtvResult, ltv } from './ltv';
export { type LtvLossOptions, type LtvLossResult, ltvLoss } from './ltvLoss';
export type { RevenueOptions } from './mrrLedger';
export {
  type MrrMovement,
  type MrrMovementsResult,
  mrrMovements,
  mrrMovementsAccumulator,
} from './mrrMovements';
export {
  type NetRevenueRetentionResult,
  netRevenueRetention,
  netRevenueRetentionAccumulator,
} from './netRevenueRetention';
export { type NpsResult, nps, npsAccumulator } from './nps';
export {
  type RepeatPurchaseRateOptions,
  type RepeatPurchaseRateResult,
  repeatPurchaseRate,
  repeatPurchaseRateAccumulator,
} from './repeatPurchaseRate';
export {
  type RevenueChurnBasis,
  type RevenueChurnOptions,
  type RevenueChurnResult,
  revenueChurn,
  revenueChurnAccumulator,
} from './revenueChurn';
export { type RfmOrder, type RfmRow, type RfmSummaryOptions, rfmSummary } from './rfmSummary';
export {
  type FitSbgOptions,
  fitSbg,
  type SbgDerlOptions,
  type SbgFit,
  type SbgParams,
  sbgDiscountedResidualLifetime,
  sbgRetentionRate,
  sbgSurvival,
} from './sbg';
export type { MetricSnapshot } from './snapshot';
export type { DurationSummary } from './survival';
export {
  type TimeToFirstValueOptions,
  type TimeToFirstValueResult,
  timeToFirstValue,
  timeToFirstValueAccumulator,
} from './timeToFirstValue';
export {
  type TimeToSecondPurchaseOptions,
  type TimeToSecondPurchaseResult,
  timeToSecondPurchase,
  timeToSecondPurchaseAccumulator,
} from './timeToSecondPurchase';
