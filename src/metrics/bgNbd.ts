import { failInput } from '../core/errors';
import { fitLogParameters, fitLogParametersWithGradient } from '../core/numerics/fit';
import { hyp2f1 } from '../core/numerics/hypergeometric';
import {
  digamma,
  logAddExp,
  logBeta,
  logGamma,
  logisticComplement,
} from '../core/numerics/special';
import { at, requireNumber, requireObject, type Where } from './input';

/**
 * One customer's repeat-buying summary, the input of the BG/NBD model (see {@link rfmSummary}):
 * repeat purchases, the time of the last one and the customer's age, all measured from their first
 * purchase in one time unit.
 *
 * @category metrics
 */
export interface BgNbdCustomer {
  /** Repeat purchases (`x`): purchases after the first, an integer >= 0. */
  readonly frequency: number;
  /** Time from the first to the last purchase (`t_x`); 0 when `frequency` is 0. */
  readonly recency: number;
  /** Time from the first purchase to the end of observation (`T`), >= `recency`. */
  readonly T: number;
  /** How many customers share this summary (a weight, > 0). @defaultValue `1` */
  readonly count?: number;
}

/**
 * Parameters of the BG/NBD model: purchase rates λ ~ Gamma(r, α) (α a rate), and after each
 * purchase the customer drops out with probability p ~ Beta(a, b).
 *
 * @category metrics
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * A fitted BG/NBD model.
 *
 * @category metrics
 */
export interface BgNbdFit extends BgNbdParams {
  /** The log-likelihood at the parameters (without any penalty). */
  readonly logLikelihood: number;
  /** Whether the optimiser converged to an interior maximum. Never `true` for a doubtful fit. */
  readonly converged: boolean;
  /** Why the fit did not converge, when `converged` is `false`. */
  readonly reason?: string;
  /** Nelder-Mead iterations used. */
  readonly iterations: number;
  /** Customers fitted (the sum of the counts). */
  readonly customers: number;
  /** Distinct (frequency, recency, T) rows the likelihood was summed over. */
  readonly rows: number;
}

/**
 * Options of {@link fitBgNbd}.
 *
 * @category metrics
 */
export interface FitBgNbdOptions {
  /** L2 penalty on (r, α, a, b), added to the negative mean log-likelihood as lifetimes does. @defaultValue `0` */
  readonly penalty?: number;
  /** Seed of the random restarts. @defaultValue `1` */
  readonly seed?: number;
  /** Budget of likelihood evaluations of the Nelder-Mead fallback. @defaultValue `8000` */
  readonly maxEvaluations?: number;
  /** Extra optimiser runs from seeded random starting points, besides the default start. @defaultValue `1` */
  readonly restarts?: number;
}

/** Grouped customers as columns; times are indexes into tables of distinct values. */
export interface Grouped {
  readonly x: Int32Array;
  readonly txIndex: Int32Array;
  readonly tIndex: Int32Array;
  readonly n: Float64Array;
  readonly txValues: Float64Array;
  readonly tValues: Float64Array;
  readonly maxX: number;
  readonly total: number;
}

/**
 * Validates one customer summary (shared with the CLV function). The location is built only when
 * the summary is invalid, so a million valid rows cost no allocations.
 */
export function readCustomer(
  raw: unknown,
  where: () => Where,
): { x: number; tx: number; T: number } {
  if (typeof raw === 'object' && raw !== null) {
    const { frequency: x, recency: tx, T } = raw as Record<string, unknown>;
    if (
      typeof x === 'number' &&
      typeof tx === 'number' &&
      typeof T === 'number' &&
      Number.isInteger(x) &&
      x >= 0 &&
      tx >= 0 &&
      T >= tx &&
      T < Number.POSITIVE_INFINITY &&
      (x === 0 ? tx === 0 : tx > 0)
    )
      return { x, tx, T };
  }
  return readCustomerStrictly(raw, where());
}

function readCustomerStrictly(raw: unknown, where: Where): { x: number; tx: number; T: number } {
  const c = requireObject(raw, where);
  const x = requireNumber(c.frequency, at(where, 'frequency'), { min: 0, integer: true });
  const tx = requireNumber(c.recency, at(where, 'recency'), { min: 0 });
  const T = requireNumber(c.T, at(where, 'T'), { min: 0 });
  if (x === 0 && tx !== 0)
    failInput(at(where, 'recency'), {
      code: 'out_of_range',
      path: [],
      detail: 'a customer without repeat purchases has recency 0',
    });
  if (x > 0 && tx === 0)
    failInput(at(where, 'recency'), {
      code: 'out_of_range',
      path: [],
      detail:
        'repeat purchases need a recency > 0 (same-period purchases are collapsed by rfmSummary)',
    });
  if (tx > T)
    failInput(at(where, 'recency'), { code: 'out_of_range', path: [], expected: 'at most T' });
  return { x, tx, T };
}

/** Groups identical rows into columns. Exported for the tests only. */
export function groupCustomers(customers: Iterable<BgNbdCustomer>): Grouped {
  const byKey = new Map<string, number>();
  const xs: number[] = [];
  const txs: number[] = [];
  const ts: number[] = [];
  const ns: number[] = [];
  let total = 0;
  let maxX = 0;
  let index = 0;
  for (const raw of customers) {
    const where = (): Where => ({ fn: 'fitBgNbd', root: 'customers', path: [index] });
    const { x, tx, T } = readCustomer(raw, where);
    const count = (raw as BgNbdCustomer).count;
    const n =
      count === undefined
        ? 1
        : typeof count === 'number' && count > 0 && count < Number.POSITIVE_INFINITY
          ? count
          : requireNumber(count, at(where(), 'count'), { min: 0, minExclusive: true });
    const key = `${x} ${tx} ${T}`;
    const row = byKey.get(key);
    if (row === undefined) {
      byKey.set(key, xs.length);
      xs.push(x);
      txs.push(tx);
      ts.push(T);
      ns.push(n);
    } else ns[row] = ns[row]! + n;
    total += n;
    if (x > maxX) maxX = x;
    index++;
  }
  const table = (values: number[]) => {
    const distinct = Float64Array.from(new Set(values)).sort();
    const position = new Map<number, number>();
    for (let i = 0; i < distinct.length; i++) position.set(distinct[i]!, i);
    return { distinct, index: Int32Array.from(values, (v) => position.get(v)!) };
  };
  const txTable = table(txs);
  const tTable = table(ts);
  return {
    x: Int32Array.from(xs),
    txIndex: txTable.index,
    tIndex: tTable.index,
    n: Float64Array.from(ns),
    txValues: txTable.distinct,
    tValues: tTable.distinct,
    maxX,
    total,
  };
}

/** Above this many distinct rows, starting points are compared on a subsample. */
const SUBSAMPLE_ROWS = 20_000;

/** Every k-th row, with counts scaled so the subsample weighs as much as the whole. */
function subsample(g: Grouped, size: number): Grouped {
  const step = g.x.length / size;
  const pick = Array.from({ length: size }, (_, i) => Math.floor(i * step));
  let sampled = 0;
  for (const i of pick) sampled += g.n[i]!;
  const scale = g.total / sampled;
  return {
    ...g,
    x: Int32Array.from(pick, (i) => g.x[i]!),
    txIndex: Int32Array.from(pick, (i) => g.txIndex[i]!),
    tIndex: Int32Array.from(pick, (i) => g.tIndex[i]!),
    n: Float64Array.from(pick, (i) => g.n[i]! * scale),
  };
}

/** Log-likelihood of grouped rows (Fader, Hardie & Lee 2005, eq. 6), in log space. Exported for the tests only. */
export function bgNbdLogLikelihood(p: readonly number[], g: Grouped): number {
  const r = p[0]!;
  const alpha = p[1]!;
  const a = p[2]!;
  const b = p[3]!;
  const lbab = logBeta(a, b);
  const base = r * Math.log(alpha) - logGamma(r);
  // terms that depend on x only, computed once per distinct x
  const head = new Float64Array(g.maxX + 1);
  const stay = new Float64Array(g.maxX + 1);
  const drop = new Float64Array(g.maxX + 1);
  for (let x = 0; x <= g.maxX; x++) {
    head[x] = logGamma(r + x) + base;
    stay[x] = logBeta(a, b + x) - lbab;
    drop[x] = x > 0 ? logBeta(a + 1, b + x - 1) - lbab : Number.NEGATIVE_INFINITY;
  }
  // log(α + T) and log(α + t_x) once per distinct time
  const logT = g.tValues.map((v) => Math.log(alpha + v));
  const logTx = g.txValues.map((v) => Math.log(alpha + v));
  let ll = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i]!;
    const alive = stay[x]! - (r + x) * logT[g.tIndex[i]!]!;
    const term = x > 0 ? logAddExp(alive, drop[x]! - (r + x) * logTx[g.txIndex[i]!]!) : alive;
    ll += g.n[i]! * (head[x]! + term);
  }
  return ll;
}

/** The log-likelihood and its gradient in (r, α, a, b), for the quasi-Newton fit. Exported for the tests only. */
export function bgNbdLogLikelihoodAndGradient(
  p: readonly number[],
  g: Grouped,
): { value: number; gradient: number[] } {
  const r = p[0]!;
  const alpha = p[1]!;
  const a = p[2]!;
  const b = p[3]!;
  const lbab = logBeta(a, b);
  const logAlpha = Math.log(alpha);
  const base = r * logAlpha - logGamma(r);
  const psiR = digamma(r);
  const psiA = digamma(a);
  const psiA1 = digamma(a + 1);
  const psiB = digamma(b);
  const psiAB = digamma(a + b);
  const size = g.maxX + 1;
  const head = new Float64Array(size);
  const stay = new Float64Array(size);
  const drop = new Float64Array(size);
  const dHeadR = new Float64Array(size);
  const dStayA = new Float64Array(size);
  const dStayB = new Float64Array(size);
  const dDropA = new Float64Array(size);
  const dDropB = new Float64Array(size);
  for (let x = 0; x <= g.maxX; x++) {
    const psiABX = digamma(a + b + x);
    head[x] = logGamma(r + x) + base;
    stay[x] = logBeta(a, b + x) - lbab;
    dHeadR[x] = digamma(r + x) - psiR + logAlpha;
    dStayA[x] = psiAB - psiABX;
    dStayB[x] = digamma(b + x) - psiABX - psiB + psiAB;
    if (x > 0) {
      drop[x] = logBeta(a + 1, b + x - 1) - lbab;
      dDropA[x] = psiA1 - psiABX - psiA + psiAB;
      dDropB[x] = digamma(b + x - 1) - psiABX - psiB + psiAB;
    }
  }
  const logT = g.tValues.map((v) => Math.log(alpha + v));
  const invT = g.tValues.map((v) => 1 / (alpha + v));
  const logTx = g.txValues.map((v) => Math.log(alpha + v));
  const invTx = g.txValues.map((v) => 1 / (alpha + v));
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i]!;
    const n = g.n[i]!;
    const ti = g.tIndex[i]!;
    const lt = logT[ti]!;
    const alive = stay[x]! - (r + x) * lt;
    if (x === 0) {
      ll += n * (head[x]! + alive);
      gr += n * (dHeadR[x]! - lt);
      gAlpha += n * (r / alpha - (r + x) * invT[ti]!);
      ga += n * dStayA[x]!;
      gb += n * dStayB[x]!;
      continue;
    }
    const xi = g.txIndex[i]!;
    const ltx = logTx[xi]!;
    const gone = drop[x]! - (r + x) * ltx;
    // log(e^alive + e^gone) and the two weights, with one exp
    let term: number;
    let wAlive: number;
    if (gone < alive) {
      const e = Math.exp(gone - alive);
      term = alive + Math.log1p(e);
      wAlive = 1 / (1 + e);
    } else {
      const e = Math.exp(alive - gone);
      term = gone + Math.log1p(e);
      wAlive = e / (1 + e);
    }
    const wGone = 1 - wAlive;
    ll += n * (head[x]! + term);
    gr += n * (dHeadR[x]! - wAlive * lt - wGone * ltx);
    gAlpha += n * (r / alpha - (r + x) * (wAlive * invT[ti]! + wGone * invTx[xi]!));
    ga += n * (wAlive * dStayA[x]! + wGone * dDropA[x]!);
    gb += n * (wAlive * dStayB[x]! + wGone * dDropB[x]!);
  }
  return { value: ll, gradient: [gr, gAlpha, ga, gb] };
}

/**
 * Fits the BG/NBD model of repeat buying without contracts (Fader, Hardie & Lee 2005, "Counting
 * Your Customers the Easy Way") by maximum likelihood, from each customer's frequency, recency and
 * age. Identical (frequency, recency, T) rows are grouped first, and a `count` weight lets you pass
 * pre-grouped data, so a million customers summarised in whole periods fit in seconds. The fit is
 * BFGS on log-parameters with the analytic gradient from the default start and `restarts` seeded
 * random starts (compared on an evenly spaced subsample when there are over 20,000 distinct rows),
 * with Nelder-Mead as the fallback.
 *
 * @param customers - Customer summaries (see {@link rfmSummary}), in one time unit.
 * @param options - See {@link FitBgNbdOptions}.
 * @returns The fit; check `converged`.
 * @throws {RetentionInputError} When a frequency is not a non-negative integer, a recency is
 * negative, larger than `T`, 0 with repeat purchases or non-zero without, or a count is not > 0.
 *
 * @example
 * const fit = fitBgNbd([
 *   { frequency: 2, recency: 30.43, T: 38.86 },
 *   { frequency: 1, recency: 1.71, T: 38.86 },
 *   { frequency: 0, recency: 0, T: 38.86, count: 4 },
 *   { frequency: 7, recency: 29.43, T: 38.86 },
 * ]);
 * [fit.customers, fit.rows]
 * //=> [7, 4]
 *
 * @example
 * fitBgNbd([{ frequency: 2, recency: 0, T: 10 }])
 * //=> throws 'fitBgNbd: customers[0].recency is out of range: repeat purchases need a recency > 0...'
 *
 * @category metrics
 */
export function fitBgNbd(
  customers: Iterable<BgNbdCustomer>,
  options: FitBgNbdOptions = {},
): BgNbdFit {
  const penalty = requireNumber(
    options.penalty ?? 0,
    { fn: 'fitBgNbd', root: 'options', path: ['penalty'] },
    { min: 0 },
  );
  const grouped = groupCustomers(customers);
  const { total, maxX } = grouped;
  const shared = {
    start: [1, 1, 1, 1],
    names: ['r', 'alpha', 'a', 'b'],
    observations: total,
    penalty,
    seed: options.seed ?? 1,
    randomStarts: options.restarts ?? 1,
  };
  // With many distinct rows, the starts are compared on an evenly spaced subsample and only the
  // best is refined on all rows: the same optimum in a fraction of the full evaluations.
  let start = shared.start;
  let randomStarts = shared.randomStarts;
  if (grouped.x.length > SUBSAMPLE_ROWS) {
    const sample = subsample(grouped, SUBSAMPLE_ROWS);
    const rough = fitLogParametersWithGradient(
      (p) => bgNbdLogLikelihoodAndGradient(p, sample),
      shared,
    );
    if (rough?.converged) {
      start = rough.params;
      randomStarts = 0;
    }
  }
  // quasi-Newton with the analytic gradient; Nelder-Mead when it does not reach a zero gradient
  const fit =
    fitLogParametersWithGradient((p) => bgNbdLogLikelihoodAndGradient(p, grouped), {
      ...shared,
      start,
      randomStarts,
    }) ??
    fitLogParameters((p) => bgNbdLogLikelihood(p, grouped), {
      ...shared,
      maxEvaluations: options.maxEvaluations ?? 8000,
    });
  const base = {
    r: fit.params[0]!,
    alpha: fit.params[1]!,
    a: fit.params[2]!,
    b: fit.params[3]!,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    customers: total,
    rows: grouped.x.length,
  };
  if (total === 0) return { ...base, converged: false, reason: 'no customers' };
  if (maxX === 0)
    return {
      ...base,
      converged: false,
      reason: 'nobody made a repeat purchase: the data do not identify the model',
    };
  return fit.converged
    ? { ...base, converged: true }
    : { ...base, converged: false, reason: fit.reason ?? 'unknown' };
}

/** Validates BG/NBD parameters (shared with the CLV function). */
export function readBgNbdParams(params: BgNbdParams, fn: string): BgNbdParams {
  const where: Where = { fn, root: 'params', path: [] };
  const positive = { min: 0, minExclusive: true };
  return {
    r: requireNumber(params.r, at(where, 'r'), positive),
    alpha: requireNumber(params.alpha, at(where, 'alpha'), positive),
    a: requireNumber(params.a, at(where, 'a'), positive),
    b: requireNumber(params.b, at(where, 'b'), positive),
  };
}

/** log of a/(b+x-1) * ((α+T)/(α+t_x))^(r+x): the odds of having dropped out. */
function logDropOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  return (
    Math.log(p.a) -
    Math.log(p.b + x - 1) +
    (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx))
  );
}

/**
 * The probability that a customer is still alive (has not dropped out) at the end of observation,
 * given their history: `1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))`, and 1 for a customer
 * without repeat purchases (under BG/NBD, dropping out happens only right after a purchase).
 *
 * @param params - Fitted BG/NBD parameters.
 * @param customer - The customer's frequency, recency and T.
 * @returns A probability in [0, 1].
 * @throws {RetentionInputError} When a parameter is not positive or the summary is invalid.
 *
 * @example
 * // the CDNOW estimates of Fader, Hardie & Lee (2005) and CDNOW customer 1
 * const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * Number(bgNbdProbabilityAlive(cdnow, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(3))
 * //=> 0.727
 *
 * @category metrics
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, customer: BgNbdCustomer): number {
  const fn = 'bgNbdProbabilityAlive';
  const p = readBgNbdParams(params, fn);
  const { x, tx, T } = readCustomer(customer, () => ({ fn, root: 'customer', path: [] }));
  if (x === 0) return 1;
  return logisticComplement(logDropOdds(p, x, tx, T));
}

/**
 * (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x-1; z)], z = t/(α+T+t),
 * evaluated through Euler's transformation ₂F₁(A, B; C; z) = (1-z)^(C-A-B) ₂F₁(C-A, C-B; C; z):
 * (a+b+x-1)/(a-1) · [1 - (1-z)^(a-1) · ₂F₁(a+b-1-r, a-1; a+b+x-1; z)]. The power and the
 * series stay moderate where the textbook form multiplies an overflowing series by a vanishing
 * power (many purchases, long horizons).
 */
function expectedIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  const w = p.alpha + T;
  const z = t / (w + t);
  const evaluate = (a: number): number => {
    const c = a + p.b + x - 1;
    const f = hyp2f1(a + p.b - 1 - p.r, a - 1, c, z);
    const lead = Math.exp((a - 1) * (Math.log(w) - Math.log(w + t)));
    return (c / (a - 1)) * (1 - lead * f.value);
  };
  // the formula has a removable singularity at a = 1: average the two sides
  if (Math.abs(p.a - 1) < 1e-6) return (evaluate(1 - 1e-6) + evaluate(1 + 1e-6)) / 2;
  return evaluate(p.a);
}

/**
 * The expected number of repeat purchases in a period of length `t` by a customer picked at random
 * right after their first purchase (unconditional `E[X(t)]`, FHL 2005 eq. 9):
 * `(a+b-1)/(a-1) · [1 - (α/(α+t))^r · ₂F₁(r, b; a+b-1; t/(α+t))]`.
 *
 * @param params - Fitted BG/NBD parameters.
 * @param t - Length of the period, in the model's time unit (>= 0).
 * @returns The expected count, non-decreasing in `t`.
 * @throws {RetentionInputError} When a parameter is not positive or `t` is negative.
 *
 * @example
 * // CDNOW estimates rounded to 3 decimals (Hardie's spreadsheet, unrounded: 1.0405)
 * const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * Number(bgNbdExpectedPurchases(cdnow, 31.8571).toFixed(3))
 * //=> 1.042
 *
 * @category metrics
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  const fn = 'bgNbdExpectedPurchases';
  const p = readBgNbdParams(params, fn);
  requireNumber(t, { fn, root: 't', path: [] }, { min: 0 });
  if (t === 0) return 0;
  return Math.max(0, expectedIfAlive(p, 0, 0, t));
}

/**
 * The expected number of purchases a customer with a given history makes in the next `t` time
 * units (FHL 2005 eq. 10): the expectation for a customer still alive, times the probability of
 * being alive.
 *
 * @param params - Fitted BG/NBD parameters.
 * @param t - Length of the future period, in the model's time unit (>= 0).
 * @param customer - The customer's frequency, recency and T.
 * @returns The expected count.
 * @throws {RetentionInputError} When a parameter is not positive, `t` is negative or the summary is
 * invalid.
 *
 * @example
 * // FHL (2005): CDNOW customer 1 is expected to make 1.226 purchases in the next 39 weeks
 * const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
 * Number(bgNbdConditionalExpectedPurchases(cdnow, 39, { frequency: 2, recency: 30.43, T: 38.86 }).toFixed(3))
 * //=> 1.226
 *
 * @category metrics
 */
export function bgNbdConditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  customer: BgNbdCustomer,
): number {
  const fn = 'bgNbdConditionalExpectedPurchases';
  const p = readBgNbdParams(params, fn);
  requireNumber(t, { fn, root: 't', path: [] }, { min: 0 });
  const { x, tx, T } = readCustomer(customer, () => ({ fn, root: 'customer', path: [] }));
  return conditionalExpected(p, t, x, tx, T);
}

/** Conditional expectation without validation (shared with the CLV function). */
export function conditionalExpected(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t === 0) return 0;
  const alive = x === 0 ? 1 : logisticComplement(logDropOdds(p, x, tx, T));
  return Math.max(0, expectedIfAlive(p, x, T, t) * alive);
}
