/**
 * Metrics: calculators over retention data and the retention-projection models (Kaplan-Meier,
 * shifted-beta-geometric, BG/NBD and Gamma-Gamma).
 *
 * @module metrics
 */

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
  type CustomerLifetimeValueOptions,
  customerLifetimeValue,
  type LifetimeValueCustomer,
} from './customerLifetimeValue';
export {
  type FitGammaGammaOptions,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  gammaGammaExpectedSpend,
  type SpendCustomer,
} from './gammaGamma';
export {
  type KaplanMeierCurve,
  type KaplanMeierOptions,
  kaplanMeier,
  kaplanMeierRemainingLifetime,
  type RemainingLifetime,
  type SurvivalBand,
  type SurvivalObservation,
} from './kaplanMeier';
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
