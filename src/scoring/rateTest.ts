/**
 * The exact conditional test for a drop in a Poisson rate: given `k` events in exposure `a` and
 * `b` events in exposure `c`, and `n = k + b`, under equal rates `k ~ Binomial(n, a / (a + c))`;
 * the one-sided p-value of a drop is `P(X <= k)`. Internal.
 *
 * @module
 */
import { logGamma } from '../core/numerics/special';

function logPmf(i: number, n: number, p: number): number {
  return (
    logGamma(n + 1) -
    logGamma(i + 1) -
    logGamma(n - i + 1) +
    i * Math.log(p) +
    (n - i) * Math.log1p(-p)
  );
}

/**
 * `P(X <= k)` for `X ~ Binomial(n, p)`. Below the mode, the sum of the probabilities from `k`
 * down (they shrink geometrically); above it, one minus the upper tail summed from `k + 1` up,
 * so a probability that underflows never stands for a large sum.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const odds = p / (1 - p);
  if (k < n * p) {
    let term = Math.exp(logPmf(k, n, p));
    let sum = term;
    for (let i = k; i > 0; i--) {
      // P(i - 1) = P(i) · i / (n - i + 1) · (1 - p) / p
      term *= i / (n - i + 1) / odds;
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(logPmf(k + 1, n, p));
  let tail = term;
  for (let i = k + 1; i < n; i++) {
    // P(i + 1) = P(i) · (n - i) / (i + 1) · p / (1 - p)
    term *= ((n - i) / (i + 1)) * odds;
    tail += term;
    if (term < 1e-17 * tail) break;
  }
  return Math.max(0, 1 - tail);
}

/** The result of {@link rateDropTest}. */
export interface RateDrop {
  /** Events per day in the recent window and in the baseline. */
  readonly recentRate: number;
  readonly baselineRate: number;
  /** `1 - recentRate / baselineRate`, clamped to [0, 1]; 0 without baseline events. */
  readonly drop: number;
  /** One-sided p-value of a drop this large or larger under equal rates; 1 without events. */
  readonly pValue: number;
}

/**
 * Compares a recent count with a baseline count, each over its exposure in days.
 */
export function rateDropTest(
  recentCount: number,
  recentDays: number,
  baselineCount: number,
  baselineDays: number,
): RateDrop {
  const recentRate = recentDays > 0 ? recentCount / recentDays : 0;
  const baselineRate = baselineDays > 0 ? baselineCount / baselineDays : 0;
  const drop = baselineRate > 0 ? Math.min(1, Math.max(0, 1 - recentRate / baselineRate)) : 0;
  const n = recentCount + baselineCount;
  const pValue =
    n === 0 || recentDays <= 0 || baselineDays <= 0
      ? 1
      : binomialCdf(recentCount, n, recentDays / (recentDays + baselineDays));
  return { recentRate, baselineRate, drop, pValue };
}
