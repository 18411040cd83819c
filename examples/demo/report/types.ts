/**
 * The data behind the demo's HTML retention report. Plain numbers and strings only, so a report
 * can be built from any source (the engine, a warehouse query, a JSON file) and rendered by
 * `renderReport` without touching the library.
 *
 * Every number is expected to be finite; the charts treat anything else as missing (a rate) or
 * zero (a count or an amount), so a bad value never reaches the SVG.
 *
 * @module
 */

/** A headline number shown as a tile under the title. */
export interface ReportTile {
  /** What the number is, e.g. `'Net revenue retention'`. */
  label: string;
  /** The number, already formatted, e.g. `'104.2%'` or `'$12,400'`. */
  value: string;
  /** An optional line under the value, e.g. `'last 90 days'`. */
  note?: string;
}

/** One signup cohort of the retention heatmap. */
export interface ReportCohort {
  /** The cohort's name, e.g. `'2024-W03'` or `'2024-01'`. */
  label: string;
  /** How many customers signed up in the cohort. */
  size: number;
  /**
   * Share of the cohort still retained, per period since signup: index 0 is the signup period.
   * A number in [0, 1], or `null` when the period is not observed yet (or has no data).
   */
  retention: (number | null)[];
}

/** One step of a Kaplan-Meier curve: from time `t` on, the survival estimate is `s`. */
export interface ReportSurvivalPoint {
  /** Time since the start (signup), in `ReportData.survivalUnit`; >= 0. */
  t: number;
  /** Estimated share still surviving at `t`, in [0, 1]. */
  s: number;
  /** Lower bound of the confidence interval at `t`, in [0, 1]. */
  lower: number;
  /** Upper bound of the confidence interval at `t`, in [0, 1]. */
  upper: number;
}

/**
 * MRR movements of one month, in integer minor units (cents) of `ReportData.currency`. Every
 * field is a magnitude (>= 0): contraction and churn are drawn below zero because of what they
 * are, not because of their sign.
 */
export interface ReportMrrMonth {
  /** The month, e.g. `'2024-03'`. */
  month: string;
  /** MRR from customers who started paying this month. */
  new: number;
  /** MRR added by existing customers (upgrades, seats). */
  expansion: number;
  /** MRR from customers who came back after churning. */
  reactivation: number;
  /** MRR lost by customers who stayed (downgrades). */
  contraction: number;
  /** MRR lost by customers who left. */
  churn: number;
}

/** One step of the onboarding funnel, in funnel order. */
export interface ReportFunnelStep {
  /** The step's name, e.g. `'Created a project'`. */
  step: string;
  /** How many customers reached the step. */
  count: number;
}

/** Customers who were in stage `from` at the start of the window and in stage `to` at its end. */
export interface ReportStageFlow {
  from: string;
  to: string;
  /** How many customers made that move (`from === to` for those who stayed). */
  count: number;
}

/** Everything the HTML retention report shows. */
export interface ReportData {
  /** The report's title (the page title and the heading). */
  title: string;
  /** One line under the title, e.g. the data set and the date range. */
  subtitle: string;
  /** Headline numbers, shown as tiles in this order. */
  tiles: ReportTile[];
  /** Signup cohorts, oldest first. */
  cohorts: ReportCohort[];
  /** The unit of the cohort periods, plural, e.g. `'weeks'` or `'months'`. */
  cohortUnit: string;
  /** The Kaplan-Meier curve, one point per distinct event time (any order; sorted when drawn). */
  survival: ReportSurvivalPoint[];
  /** The unit of `survival[].t`, plural, e.g. `'days'`. */
  survivalUnit: string;
  /** The confidence level of the survival band, e.g. `0.95`. */
  survivalConfidence: number;
  /** MRR movements per month, oldest first. */
  mrr: ReportMrrMonth[];
  /** ISO 4217 code of the MRR amounts, e.g. `'USD'`. */
  currency: string;
  /** The onboarding funnel, first step first. */
  funnel: ReportFunnelStep[];
  /** Moves between lifecycle stages over the report's window. */
  stageFlow: ReportStageFlow[];
  /** The lifecycle stages in display order; stages missing here follow in order of appearance. */
  stages?: string[];
  /** A line at the bottom of the page, e.g. how the data was made. */
  footnote?: string;
}
