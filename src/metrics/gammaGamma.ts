import { failInput } from '../core/errors';
import { fitLogParameters } from '../core/numerics/fit';
import { logGamma } from '../core/numerics/special';
import { at, requireNumber, requireObject, type Where } from './input';

/**
 * One customer's spend summary for the Gamma-Gamma model: repeat purchases and their mean value
 * (see {@link rfmSummary} with `monetary: true`).
 *
 * @category metrics
 */
export interface SpendCustomer {
  /** Repeat purchases (`x`), an integer >= 0. Customers with 0 are skipped by the fit. */
  readonly frequency: number;
  /** Mean value of the repeat purchases (`z̄`), > 0 when `frequency` > 0. */
  readonly monetaryValue: number;
  /** How many customers share this summary (a weight, > 0). @defaultValue `1` */
  readonly count?: number;
}

/**
 * Parameters of the Gamma-Gamma spend model (Fader & Hardie 2013): each transaction value is
 * Gamma(p, ν) and the customer's ν is Gamma(q, γ).
 *
 * @category metrics
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/**
 * A fitted Gamma-Gamma model.
 *
 * @category metrics
 */
export interface GammaGammaFit extends GammaGammaParams {
  /** The log-likelihood of the mean spends at the parameters (without any penalty). */
  readonly logLikelihood: number;
  /** Whether the optimiser converged to an interior maximum. */
  readonly converged: boolean;
  /** Why the fit did not converge, when `converged` is `false`. */
  readonly reason?: string;
  /** Nelder-Mead iterations used. */
  readonly iterations: number;
  /** Customers with repeat purchases the model was fitted to. */
  readonly customers: number;
}

/**
 * Options of {@link fitGammaGamma}.
 *
 * @category metrics
 */
export interface FitGammaGammaOptions {
  /** L2 penalty on (p, q, γ), added to the negative mean log-likelihood as lifetimes does. @defaultValue `0` */
  readonly penalty?: number;
  /** Seed of the random restarts. @defaultValue `1` */
  readonly seed?: number;
  /** Budget of likelihood evaluations. @defaultValue `6000` */
  readonly maxEvaluations?: number;
}

function readSpend(raw: unknown, where: Where): { x: number; m: number } {
  const c = requireObject(raw, where);
  const x = requireNumber(c.frequency, at(where, 'frequency'), { min: 0, integer: true });
  const m = requireNumber(c.monetaryValue, at(where, 'monetaryValue'), { min: 0 });
  if (x > 0 && m === 0)
    failInput(at(where, 'monetaryValue'), {
      code: 'out_of_range',
      path: [],
      expected: '> 0 for a customer with repeat purchases',
    });
  return { x, m };
}

/**
 * Fits the Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model
 * of Monetary Value") to customers' mean repeat-purchase values, by maximum likelihood on the
 * density of the mean, as Hardie's spreadsheet and lifetimes do. Customers without repeat purchases
 * carry no spend information and are skipped. The model assumes spend is independent of frequency;
 * check that before combining it with BG/NBD.
 *
 * @param customers - Frequency and mean repeat spend per customer.
 * @param options - See {@link FitGammaGammaOptions}.
 * @returns The fit; check `converged`.
 * @throws {RetentionInputError} When a frequency is not a non-negative integer, a mean spend is
 * negative or not finite, or 0 for a customer with repeat purchases.
 *
 * @example
 * const fit = fitGammaGamma([
 *   { frequency: 2, monetaryValue: 22.35 },
 *   { frequency: 1, monetaryValue: 11.77 },
 *   { frequency: 0, monetaryValue: 0 },
 *   { frequency: 7, monetaryValue: 73.74 },
 *   { frequency: 5, monetaryValue: 29.44 },
 * ]);
 * fit.customers
 * //=> 4
 *
 * @category metrics
 */
export function fitGammaGamma(
  customers: Iterable<SpendCustomer>,
  options: FitGammaGammaOptions = {},
): GammaGammaFit {
  const fn = 'fitGammaGamma';
  const penalty = requireNumber(
    options.penalty ?? 0,
    { fn, root: 'options', path: ['penalty'] },
    { min: 0 },
  );
  const xs: number[] = [];
  const ms: number[] = [];
  const ns: number[] = [];
  let total = 0;
  let index = 0;
  for (const raw of customers) {
    const where: Where = { fn, root: 'customers', path: [index] };
    const { x, m } = readSpend(raw, where);
    const count = (raw as SpendCustomer).count;
    const n =
      count === undefined
        ? 1
        : requireNumber(count, at(where, 'count'), { min: 0, minExclusive: true });
    index++;
    if (x === 0) continue;
    xs.push(x);
    ms.push(m);
    ns.push(n);
    total += n;
  }
  // log x and log m̄ do not depend on the parameters
  const logX = xs.map(Math.log);
  const logM = ms.map(Math.log);
  const logLikelihood = (params: readonly number[]): number => {
    const p = params[0]!;
    const q = params[1]!;
    const g = params[2]!;
    const lq = q * Math.log(g) - logGamma(q);
    let ll = 0;
    for (let i = 0; i < xs.length; i++) {
      const px = p * xs[i]!;
      ll +=
        ns[i]! *
        (logGamma(px + q) -
          logGamma(px) +
          lq +
          (px - 1) * logM[i]! +
          px * logX[i]! -
          (px + q) * Math.log(g + xs[i]! * ms[i]!));
    }
    return ll;
  };
  const fit = fitLogParameters(logLikelihood, {
    start: [1, 1, 1],
    names: ['p', 'q', 'gamma'],
    observations: total,
    penalty,
    seed: options.seed ?? 1,
    randomStarts: 2,
    maxEvaluations: options.maxEvaluations ?? 6000,
  });
  const base = {
    p: fit.params[0]!,
    q: fit.params[1]!,
    gamma: fit.params[2]!,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    customers: total,
  };
  if (total === 0)
    return { ...base, converged: false, reason: 'no customer with repeat purchases' };
  return fit.converged
    ? { ...base, converged: true }
    : { ...base, converged: false, reason: fit.reason ?? 'unknown' };
}

/** Validates Gamma-Gamma parameters; q must exceed 1 for a finite mean spend. */
export function readGammaGammaParams(params: GammaGammaParams, fn: string): GammaGammaParams {
  const where: Where = { fn, root: 'params', path: [] };
  const positive = { min: 0, minExclusive: true };
  return {
    p: requireNumber(params.p, at(where, 'p'), positive),
    q: requireNumber(params.q, at(where, 'q'), { min: 1, minExclusive: true }),
    gamma: requireNumber(params.gamma, at(where, 'gamma'), positive),
  };
}

/** E[M | x, m̄] without validation (shared with the CLV function). */
export function expectedSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  return (p * (gamma + x * m)) / (p * x + q - 1);
}

/**
 * The expected value of a customer's future transactions given their repeat purchases and mean
 * spend: a weighted average of the population mean `pγ/(q-1)` and the customer's own mean,
 * `p(γ + x·m̄)/(px + q - 1)`. A customer without repeat purchases gets the population mean.
 *
 * @param params - Fitted Gamma-Gamma parameters (`q` must be > 1 for a finite mean).
 * @param customer - Frequency and mean repeat spend.
 * @returns The expected spend per transaction, in the unit of `monetaryValue`.
 * @throws {RetentionInputError} When a parameter is out of range or the summary is invalid.
 *
 * @example
 * // Fader & Hardie's CDNOW estimates; a customer with 2 repeat purchases averaging $22.35
 * const cdnow = { p: 6.25, q: 3.74, gamma: 15.44 };
 * Number(gammaGammaExpectedSpend(cdnow, { frequency: 2, monetaryValue: 22.35 }).toFixed(2))
 * //=> 24.66
 *
 * @category metrics
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, customer: SpendCustomer): number {
  const fn = 'gammaGammaExpectedSpend';
  const p = readGammaGammaParams(params, fn);
  const { x, m } = readSpend(customer, { fn, root: 'customer', path: [] });
  return expectedSpend(p, x, x === 0 ? 0 : m);
}
