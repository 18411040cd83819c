import { failInput } from '../core/errors';
import { fitLogParameters } from '../core/numerics/fit';
import { hyp2f1 } from '../core/numerics/hypergeometric';
import { logBeta } from '../core/numerics/special';
import { at, requireArray, requireNumber, type Where } from './input';

/**
 * Parameters of the shifted-beta-geometric (sBG) model: each customer's per-period churn
 * probability θ is drawn from Beta(α, β).
 *
 * @category metrics
 */
export interface SbgParams {
  /** First shape parameter of the Beta distribution of churn probabilities. */
  readonly alpha: number;
  /** Second shape parameter. */
  readonly beta: number;
}

/**
 * A fitted sBG model: the parameters, the maximised log-likelihood and how the fit went.
 *
 * @category metrics
 */
export interface SbgFit extends SbgParams {
  /** The log-likelihood at `alpha`, `beta` (without any penalty). */
  readonly logLikelihood: number;
  /** Whether the optimiser converged to an interior maximum. Never `true` for a doubtful fit. */
  readonly converged: boolean;
  /** Why the fit did not converge, when `converged` is `false`. */
  readonly reason?: string;
  /** Nelder-Mead iterations used. */
  readonly iterations: number;
  /** Number of cohorts fitted. */
  readonly cohorts: number;
  /** Customers over all cohorts (the sum of each cohort's `alive[0]`). */
  readonly customers: number;
  /** Customers observed to churn over all cohorts. */
  readonly churned: number;
}

/**
 * Options of {@link fitSbg}.
 *
 * @category metrics
 */
export interface FitSbgOptions {
  /** L2 penalty on (α, β), added to the negative mean log-likelihood as lifetimes does. @defaultValue `0` */
  readonly penalty?: number;
  /** Seed of the random restarts. @defaultValue `1` */
  readonly seed?: number;
  /** Budget of likelihood evaluations. @defaultValue `4000` */
  readonly maxEvaluations?: number;
}

/**
 * Options of {@link sbgDiscountedResidualLifetime}.
 *
 * @category metrics
 */
export interface SbgDerlOptions {
  /** Discount rate per period (0.1 for 10%). Must be > 0. */
  readonly discountRate: number;
  /** Renewals the customer has already made (0 for one who just paid the first period). @defaultValue `0` */
  readonly renewals?: number;
}

const FN = 'fitSbg';

function readCohorts(alive: unknown): number[][] {
  const root: Where = { fn: FN, root: 'alive', path: [] };
  const list = requireArray(alive, root);
  if (list.length === 0)
    failInput(root, { code: 'required', path: [], detail: 'at least one cohort is needed' });
  const nested = Array.isArray(list[0]);
  const cohorts = (nested ? list : [list]).map((c, i) =>
    requireArray(c, nested ? at(root, i) : root),
  );
  return cohorts.map((cohort, ci) => {
    const base = nested ? at(root, ci) : root;
    if (cohort.length < 2)
      failInput(base, {
        code: 'too_big',
        path: [],
        detail: 'a cohort needs its size and at least one later count',
        expected: 'at least 2 counts',
      });
    const out: number[] = [];
    cohort.forEach((v, i) => {
      const n = requireNumber(v, at(base, i), { min: 0 });
      if (i === 0 && n === 0)
        failInput(at(base, 0), { code: 'out_of_range', path: [], expected: 'a cohort size > 0' });
      if (i > 0 && n > out[i - 1]!)
        failInput(at(base, i), {
          code: 'order',
          path: [],
          detail: 'alive counts must not increase',
        });
      out.push(n);
    });
    return out;
  });
}

/** Log-likelihood of cohorts under sBG(α, β): churners by period, survivors right-censored. */
function sbgLogLikelihood(alpha: number, beta: number, cohorts: readonly number[][]): number {
  const lbab = logBeta(alpha, beta);
  let ll = 0;
  for (const c of cohorts) {
    for (let t = 1; t < c.length; t++) {
      const lost = c[t - 1]! - c[t]!;
      if (lost > 0) ll += lost * (logBeta(alpha + 1, beta + t - 1) - lbab);
    }
    const last = c.length - 1;
    const survivors = c[last]!;
    if (survivors > 0) ll += survivors * (logBeta(alpha, beta + last) - lbab);
  }
  return ll;
}

/**
 * Fits the shifted-beta-geometric model of contractual churn (Fader & Hardie 2007, "How to Project
 * Customer Retention") by maximum likelihood. `alive[i]` is the number of a cohort still active at
 * the start of period `i`, `alive[0]` being the cohort's size. Pass an array of such arrays to fit
 * several cohorts of different ages at once, with shared α and β.
 *
 * @param alive - One cohort's alive counts, or several cohorts' (each non-increasing, first > 0).
 * @param options - See {@link FitSbgOptions}.
 * @returns The fit; check `converged` (a cohort where nobody churns does not identify the model).
 * @throws {RetentionInputError} When a count is negative, not finite, or larger than the one before.
 *
 * @example
 * // Fader & Hardie (2007), "regular" customers, years 0-7 (percent alive of 1,000)
 * const fit = fitSbg([1000, 631, 468, 382, 326, 289, 262, 241]);
 * [Number(fit.alpha.toFixed(3)), Number(fit.beta.toFixed(3)), fit.converged]
 * //=> [0.704, 1.182, true]
 *
 * @example
 * // two cohorts of different ages, one model
 * fitSbg([[100, 80, 70, 64], [50, 41]]).cohorts
 * //=> 2
 *
 * @example
 * fitSbg([100, 80, 90])
 * //=> throws 'fitSbg: alive[2] is out of order: alive counts must not increase'
 *
 * @category metrics
 */
export function fitSbg(
  alive: readonly number[] | readonly (readonly number[])[],
  options: FitSbgOptions = {},
): SbgFit {
  const cohorts = readCohorts(alive);
  const penalty = requireNumber(
    options.penalty ?? 0,
    { fn: FN, root: 'options', path: ['penalty'] },
    { min: 0 },
  );
  let customers = 0;
  let churned = 0;
  for (const c of cohorts) {
    customers += c[0]!;
    churned += c[0]! - c[c.length - 1]!;
  }
  const fit = fitLogParameters((p) => sbgLogLikelihood(p[0]!, p[1]!, cohorts), {
    start: [1, 1],
    names: ['alpha', 'beta'],
    observations: customers,
    penalty,
    seed: options.seed ?? 1,
    randomStarts: 2,
    maxEvaluations: options.maxEvaluations ?? 4000,
  });
  const base = {
    alpha: fit.params[0]!,
    beta: fit.params[1]!,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    cohorts: cohorts.length,
    customers,
    churned,
  };
  if (churned === 0)
    return {
      ...base,
      converged: false,
      reason: 'nobody churned: the data do not identify the model',
    };
  return fit.converged
    ? { ...base, converged: true }
    : { ...base, converged: false, reason: fit.reason ?? 'unknown' };
}

function readParams(params: SbgParams, fn: string): SbgParams {
  const where: Where = { fn, root: 'params', path: [] };
  return {
    alpha: requireNumber(params.alpha, at(where, 'alpha'), { min: 0, minExclusive: true }),
    beta: requireNumber(params.beta, at(where, 'beta'), { min: 0, minExclusive: true }),
  };
}

/**
 * The sBG survival function: the share of a cohort still active after `t` periods,
 * `S(t) = B(α, β + t) / B(α, β)`.
 *
 * @param params - Fitted or chosen α and β.
 * @param t - Periods elapsed (`0` gives 1; fractional values interpolate the formula).
 * @returns A share in [0, 1].
 * @throws {RetentionInputError} When a parameter is not positive or `t` is negative.
 *
 * @example
 * // project the "regular" cohort of Fader & Hardie (2007) to year 12
 * Number(sbgSurvival({ alpha: 0.704, beta: 1.182 }, 12).toFixed(3))
 * //=> 0.17
 *
 * @category metrics
 */
export function sbgSurvival(params: SbgParams, t: number): number {
  const { alpha, beta } = readParams(params, 'sbgSurvival');
  requireNumber(t, { fn: 'sbgSurvival', root: 't', path: [] }, { min: 0 });
  if (t === 0) return 1;
  return Math.min(1, Math.exp(logBeta(alpha, beta + t) - logBeta(alpha, beta)));
}

/**
 * The sBG retention rate of period `t`: the share of customers active in period `t - 1` who are
 * still active in period `t`, `r(t) = (β + t - 1) / (α + β + t - 1)`. It rises with `t`, because
 * the customers most likely to churn leave first.
 *
 * @param params - Fitted or chosen α and β.
 * @param t - The period, `1` or more.
 * @returns A rate in (0, 1).
 * @throws {RetentionInputError} When a parameter is not positive or `t < 1`.
 *
 * @example
 * Number(sbgRetentionRate({ alpha: 0.704, beta: 1.182 }, 1).toFixed(3))
 * //=> 0.627
 *
 * @category metrics
 */
export function sbgRetentionRate(params: SbgParams, t: number): number {
  const { alpha, beta } = readParams(params, 'sbgRetentionRate');
  requireNumber(t, { fn: 'sbgRetentionRate', root: 't', path: [] }, { min: 1 });
  return (beta + t - 1) / (alpha + beta + t - 1);
}

/**
 * The discounted expected residual lifetime (DERL) of an active customer under the sBG model
 * (Fader & Hardie 2010, "Customer-Base Valuation in a Contractual Setting"): the expected number
 * of future renewal payments, each discounted to today, for a customer who has just made
 * `renewals` renewals. The first future payment is one period away. Multiply by the margin per
 * period for the residual value.
 *
 * `DERL = (β + n) / (α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1/(1+d)) / (1 + d)`
 * with `n = renewals`.
 *
 * @param params - Fitted or chosen α and β.
 * @param options - The discount rate per period and the renewals made so far.
 * @returns The discounted expected number of future payments.
 * @throws {RetentionInputError} When a parameter is not positive, the discount rate is not > 0 or
 * `renewals` is not a non-negative integer.
 *
 * @example
 * Number(sbgDiscountedResidualLifetime({ alpha: 0.704, beta: 1.182 }, { discountRate: 0.1 }).toFixed(3))
 * //=> 2.695
 *
 * @category metrics
 */
export function sbgDiscountedResidualLifetime(params: SbgParams, options: SbgDerlOptions): number {
  const fn = 'sbgDiscountedResidualLifetime';
  const { alpha, beta } = readParams(params, fn);
  const where: Where = { fn, root: 'options', path: [] };
  const d = requireNumber(options.discountRate, at(where, 'discountRate'), {
    min: 0,
    minExclusive: true,
  });
  const n = requireNumber(options.renewals ?? 0, at(where, 'renewals'), { min: 0, integer: true });
  const f = hyp2f1(1, beta + n + 1, alpha + beta + n + 1, 1 / (1 + d));
  return ((beta + n) / (alpha + beta + n)) * (f.value / (1 + d));
}
