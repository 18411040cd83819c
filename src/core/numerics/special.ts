/**
 * Special functions for the projection models: log-gamma (Lanczos), log-beta, a signed gamma for
 * negative arguments, and log-sum-exp. Internal: not part of the public API.
 *
 * @module
 */

const LANCZOS_G = 607 / 128;
// Lanczos coefficients for g = 607/128, n = 15 (Godfrey's set), relative error about 1e-15.
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746,
  -0.4919138160976202, 0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956,
  0.0001580887032249125, -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639,
  0.00008441822398385275, -0.000026190838401581408, 0.0000036899182659531625,
] as const;
const HALF_LOG_TWO_PI = 0.9189385332046728;

/**
 * `log |Γ(x)|` for any real `x` that is not zero or a negative integer (there it is `Infinity`).
 * Lanczos approximation for `x >= 0.5`, the reflection formula below.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // Γ(x) Γ(1 - x) = π / sin(πx); sinpi keeps the argument reduction exact.
    return Math.log(Math.PI / Math.abs(sinPi(x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 15; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The sign of Γ(x): 1 for x > 0, alternating between the poles for x < 0. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  // Γ is negative on (-1, 0), positive on (-2, -1), ...
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** sin(πx) with exact argument reduction, so sinPi(n) is exactly 0. */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2); // [0, 2)
  if (r === 0 || r === 1) return 0;
  if (r === 0.5) return 1;
  if (r === 1.5) return -1;
  return Math.sin(Math.PI * r);
}

/** `log B(a, b)` for positive `a` and `b`. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** `log(exp(a) + exp(b))` without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** `1 / (1 + exp(x))` without overflow. */
export function logisticComplement(x: number): number {
  if (x > 0) {
    const e = Math.exp(-x);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(x));
}

/** The digamma function ψ(x) = d/dx log Γ(x) for x > 0 (recurrence, then the asymptotic series). */
export function digamma(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift -= 1 / z;
    z += 1;
  }
  const f = 1 / (z * z);
  return (
    shift +
    Math.log(z) -
    0.5 / z -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760))))))
  );
}
