/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real parameters and 0 <= z < 1, as the
 * BG/NBD expectations and the sBG discounted residual lifetime need it. Internal.
 *
 * - z <= 0.9: the defining power series, summed until the terms stop changing the sum.
 * - z > 0.9: the linear transformation to 1 - z (Abramowitz & Stegun 15.3.6), whose two series
 *   converge fast; it is used unless c - a - b is within 1e-4 of an integer (where the two halves
 *   cancel), in which case the direct series is summed further.
 *
 * @module
 */
import { gammaSign, logGamma } from './special';

/** Result of {@link hyp2f1}: the value and whether the series converged. */
export interface Hyp2f1Result {
  readonly value: number;
  readonly converged: boolean;
}

const TOL = 1e-16;

/** The power series Σ (a)_n (b)_n / (c)_n z^n / n!, with an iteration cap. */
function series(a: number, b: number, c: number, z: number, maxTerms: number): Hyp2f1Result {
  let term = 1;
  let sum = 1;
  let carry = 0; // Kahan compensation: long sums near z = 1 would otherwise lose digits
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    const y = term - carry;
    const t = sum + y;
    carry = t - sum - y;
    sum = t;
    if (term === 0) return { value: sum, converged: true };
    // once the term ratio is below 1 the tail is at most term * z / (1 - z)
    if (n > 2 && Math.abs(term) * z <= TOL * Math.abs(sum) * (1 - z))
      return { value: sum, converged: true };
    if (!Number.isFinite(sum)) return { value: sum, converged: false };
  }
  return { value: sum, converged: false };
}

/** Γ(p) Γ(q) / (Γ(r) Γ(s)) with signs, in a numerically safe way. */
function gammaRatio(p: number, q: number, r: number, s: number): number {
  for (const v of [r, s]) if (v <= 0 && Number.isInteger(v)) return 0; // 1/Γ(pole) = 0
  const sign = gammaSign(p) * gammaSign(q) * gammaSign(r) * gammaSign(s);
  return sign * Math.exp(logGamma(p) + logGamma(q) - logGamma(r) - logGamma(s));
}

/**
 * 2F1(a, b; c; z) for 0 <= z < 1 and c not zero or a negative integer.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): Hyp2f1Result {
  if (z === 0 || a === 0 || b === 0) return { value: 1, converged: true };
  if (z <= 0.9) return series(a, b, c, z, 100_000);
  const s = c - a - b;
  if (Math.abs(s - Math.round(s)) > 1e-4) {
    const w = 1 - z;
    const f1 = series(a, b, 1 - s, w, 10_000);
    const f2 = series(c - a, c - b, s + 1, w, 10_000);
    const value =
      gammaRatio(c, s, c - a, c - b) * f1.value +
      Math.exp(s * Math.log(w)) * gammaRatio(c, -s, a, b) * f2.value;
    return { value, converged: f1.converged && f2.converged && Number.isFinite(value) };
  }
  return series(a, b, c, z, 5_000_000);
}
