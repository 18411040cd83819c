/**
 * Maximum likelihood on log-parameters, shared by the model fitters: seeded Nelder-Mead restarts,
 * an optional L2 penalty as lifetimes applies it, a check that no parameter ran off to 0 or
 * infinity, and a finite-difference check that the optimiser stopped at a stationary point.
 * Internal.
 *
 * @module
 */
import { createRandom } from '../random';
import { bfgs, minimize } from './optimize';

/** Options of {@link fitLogParameters}. */
export interface LogFitOptions {
  /** Starting values of the parameters (natural scale, all positive). */
  readonly start: readonly number[];
  /** Parameter names, for the non-convergence reason. */
  readonly names: readonly string[];
  /** Number of observations the log-likelihood sums over (the penalty is per observation). */
  readonly observations: number;
  /** L2 penalty coefficient on the natural-scale parameters. */
  readonly penalty: number;
  readonly seed: number;
  readonly randomStarts: number;
  readonly maxEvaluations: number;
  /** Size of the first simplex in log-parameters (smaller when `start` is already close). @defaultValue `0.5` */
  readonly initialStep?: number;
}

/** Result of {@link fitLogParameters}. */
export interface LogFitResult {
  readonly params: number[];
  /** The log-likelihood at `params` (without the penalty). */
  readonly logLikelihood: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly reason?: string;
}

const LOG_BOUND = 18; // e^±18: about 1.5e-8 to 6.6e7

/**
 * Maximises `logLikelihood(params)` over positive parameters.
 */
export function fitLogParameters(
  logLikelihood: (params: readonly number[]) => number,
  options: LogFitOptions,
): LogFitResult {
  const n = Math.max(1, options.observations);
  const objective = (u: readonly number[]): number => {
    let penalty = 0;
    const p = new Array<number>(u.length);
    for (let i = 0; i < u.length; i++) {
      // beyond the bound the objective rises steeply, so the search comes back
      if (Math.abs(u[i]!) > LOG_BOUND + 5) return Number.POSITIVE_INFINITY;
      p[i] = Math.exp(u[i]!);
      penalty += p[i]! * p[i]!;
    }
    const ll = logLikelihood(p);
    if (!Number.isFinite(ll)) return Number.POSITIVE_INFINITY;
    return -ll / n + options.penalty * penalty;
  };
  const start = options.start.map(Math.log);
  const result = minimize(objective, {
    starts: [start],
    randomStarts: options.randomStarts,
    seed: options.seed,
    maxEvaluations: options.maxEvaluations,
    ...(options.initialStep === undefined ? {} : { initialStep: options.initialStep }),
    fTolerance: 1e-13,
    xTolerance: 1e-6,
  });
  const params = result.x.map(Math.exp);
  const logLik = logLikelihood(params);
  const base = { params, logLikelihood: logLik, iterations: result.iterations };
  if (!result.converged) return { ...base, converged: false, reason: result.reason ?? 'unknown' };
  const off = result.x.findIndex((u) => Math.abs(u) > LOG_BOUND);
  if (off >= 0)
    return {
      ...base,
      converged: false,
      reason: `${options.names[off]} tends to ${result.x[off]! > 0 ? 'infinity' : '0'}: the data do not identify the model`,
    };
  // stationarity: central differences of the per-observation objective on log-parameters
  const h = 1e-5;
  for (let i = 0; i < result.x.length; i++) {
    const up = result.x.slice();
    const down = result.x.slice();
    up[i] = up[i]! + h;
    down[i] = down[i]! - h;
    const g = (objective(up) - objective(down)) / (2 * h);
    if (!(Math.abs(g) < 1e-4 * (1 + Math.abs(result.value))))
      return {
        ...base,
        converged: false,
        reason: `the optimiser stopped where the gradient in ${options.names[i]} is not zero`,
      };
  }
  return { ...base, converged: true };
}

/** Options of {@link fitLogParametersWithGradient}. */
export interface GradientFitOptions {
  readonly start: readonly number[];
  readonly names: readonly string[];
  readonly observations: number;
  readonly penalty: number;
  readonly seed: number;
  readonly randomStarts: number;
}

/**
 * Maximises a log-likelihood with an analytic gradient over positive parameters by BFGS on
 * log-parameters, from the start and seeded random starts; the best run must reach a zero
 * gradient. Returns `undefined` when no run converges, so the caller can fall back to
 * {@link fitLogParameters}.
 */
export function fitLogParametersWithGradient(
  logLikelihood: (params: readonly number[]) => { value: number; gradient: number[] },
  options: GradientFitOptions,
): LogFitResult | undefined {
  const n = Math.max(1, options.observations);
  const objective = (u: readonly number[]) => {
    const p = u.map(Math.exp);
    if (u.some((v) => Math.abs(v) > LOG_BOUND + 5))
      return { value: Number.POSITIVE_INFINITY, gradient: u.map(() => 0) };
    const ll = logLikelihood(p);
    let penalty = 0;
    for (const v of p) penalty += v * v;
    return {
      value: -ll.value / n + options.penalty * penalty,
      // chain rule through θ = e^u
      gradient: p.map((v, i) => v * (-ll.gradient[i]! / n + 2 * options.penalty * v)),
    };
  };
  const random = createRandom(options.seed);
  const first = options.start.map(Math.log);
  const starts = [first];
  for (let i = 0; i < options.randomStarts; i++)
    starts.push(first.map((v) => v + (random.next() * 2 - 1) * 1.5));
  let best: ReturnType<typeof bfgs> | undefined;
  let iterations = 0;
  for (const s of starts) {
    const r = bfgs(objective, s, { maxIterations: 500, gTolerance: 1e-9, maxStep: 2 });
    iterations += r.iterations;
    const ok = r.converged || Math.max(...r.gradient.map(Math.abs)) < 1e-6;
    if (ok && (best === undefined || r.value < best.value)) best = r;
  }
  if (best === undefined) return undefined;
  const params = best.x.map(Math.exp);
  const base = { params, logLikelihood: logLikelihood(params).value, iterations };
  const off = best.x.findIndex((u) => Math.abs(u) > LOG_BOUND);
  if (off >= 0)
    return {
      ...base,
      converged: false,
      reason: `${options.names[off]} tends to ${best.x[off]! > 0 ? 'infinity' : '0'}: the data do not identify the model`,
    };
  return { ...base, converged: true };
}
