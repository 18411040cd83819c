/**
 * A derivative-free minimiser for the maximum-likelihood fits: Nelder-Mead with adaptive
 * coefficients (Gao & Han 2012), restarted from the best point until a restart no longer improves,
 * from several seeded starting points. Internal.
 *
 * @module
 */
import { createRandom } from '../random';

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Starting points tried first (in the optimiser's own coordinates). */
  readonly starts: readonly (readonly number[])[];
  /** Extra random starts drawn around the first start (seeded). */
  readonly randomStarts: number;
  /** Seed of the random starts. */
  readonly seed: number;
  /** Maximum objective evaluations over the whole run. */
  readonly maxEvaluations: number;
  /** Size of the first simplex around each start. @defaultValue `0.5` */
  readonly initialStep?: number;
  /** Stop when the simplex values differ by less than this. */
  readonly fTolerance: number;
  /** ...and the simplex is smaller than this in every coordinate. */
  readonly xTolerance: number;
}

/** Result of {@link minimize}. */
export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly converged: boolean;
  /** Nelder-Mead iterations over all runs. */
  readonly iterations: number;
  readonly evaluations: number;
  /** Why the run is not converged (undefined when it is). */
  readonly reason?: string;
}

interface RunResult {
  x: number[];
  value: number;
  converged: boolean;
  iterations: number;
}

function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  step: number,
  budget: { left: number },
  fTol: number,
  xTol: number,
): RunResult {
  const n = start.length;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  const eval_ = (x: number[]): number => {
    budget.left--;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const pts: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    pts.push(p);
  }
  const vals = pts.map(eval_);
  let iterations = 0;
  for (;;) {
    // order
    const order = vals.map((_, i) => i).sort((i, j) => vals[i]! - vals[j]!);
    const sp = order.map((i) => pts[i]!);
    const sv = order.map((i) => vals[i]!);
    for (let i = 0; i <= n; i++) {
      pts[i] = sp[i]!;
      vals[i] = sv[i]!;
    }
    let size = 0;
    for (let i = 1; i <= n; i++)
      for (let k = 0; k < n; k++) size = Math.max(size, Math.abs(pts[i]![k]! - pts[0]![k]!));
    const spread = Math.abs(vals[n]! - vals[0]!);
    if (spread <= fTol * (1 + Math.abs(vals[0]!)) && size <= xTol)
      return { x: pts[0]!, value: vals[0]!, converged: true, iterations };
    if (budget.left <= 0) return { x: pts[0]!, value: vals[0]!, converged: false, iterations };
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += pts[i]![k]! / n;
    const worst = pts[n]!;
    const along = (t: number) => centroid.map((c, k) => c + t * (c - worst[k]!));
    const xr = along(alpha);
    const fr = eval_(xr);
    if (fr < vals[0]!) {
      const xe = along(alpha * beta);
      const fe = eval_(xe);
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
      continue;
    }
    if (fr < vals[n - 1]!) {
      pts[n] = xr;
      vals[n] = fr;
      continue;
    }
    const outside = fr < vals[n]!;
    const xc = along(outside ? alpha * gamma : -gamma);
    const fc = eval_(xc);
    if (fc < (outside ? fr : vals[n]!)) {
      pts[n] = xc;
      vals[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      pts[i] = pts[i]!.map((v, k) => pts[0]![k]! + delta * (v - pts[0]![k]!));
      vals[i] = eval_(pts[i]!);
    }
  }
}

/**
 * Minimises `f` from each start, then restarts Nelder-Mead from the best point until a restart
 * moves it by less than the tolerances. Deterministic for a seed.
 */
export function minimize(
  f: (x: readonly number[]) => number,
  options: MinimizeOptions,
): MinimizeResult {
  const budget = { left: options.maxEvaluations };
  const starts = options.starts.map((s) => s.slice());
  const first = starts[0]!;
  const random = createRandom(options.seed);
  for (let i = 0; i < options.randomStarts; i++)
    starts.push(first.map((v) => v + (random.next() * 2 - 1) * 1.5));
  let best: RunResult | undefined;
  let iterations = 0;
  // each start only needs to find its basin; the best one is then polished to full tolerance
  const coarseF = Math.max(options.fTolerance, 1e-9);
  const coarseX = Math.max(options.xTolerance, 1e-3);
  for (const s of starts) {
    const r = nelderMead(f, s, options.initialStep ?? 0.5, budget, coarseF, coarseX);
    iterations += r.iterations;
    if (best === undefined || r.value < best.value) best = r;
    if (budget.left <= 0) break;
  }
  let current = best!;
  let settled = false;
  for (let k = 0; k < 20 && budget.left > 0; k++) {
    const r = nelderMead(
      f,
      current.x,
      options.initialStep === undefined ? 0.05 : options.initialStep / 10,
      budget,
      options.fTolerance,
      options.xTolerance,
    );
    iterations += r.iterations;
    const moved = r.x.some((v, i) => Math.abs(v - current.x[i]!) > 10 * options.xTolerance);
    const improved = current.value - r.value > options.fTolerance * (1 + Math.abs(current.value));
    if (r.value <= current.value) current = { ...r, iterations: 0 };
    if (r.converged && !moved && !improved) {
      settled = true;
      break;
    }
  }
  const evaluations = options.maxEvaluations - budget.left;
  if (!Number.isFinite(current.value))
    return {
      x: current.x,
      value: current.value,
      converged: false,
      iterations,
      evaluations,
      reason: 'the likelihood is not finite at any point tried',
    };
  if (!settled)
    return {
      x: current.x,
      value: current.value,
      converged: false,
      iterations,
      evaluations,
      reason: `no convergence within ${options.maxEvaluations} evaluations`,
    };
  return { x: current.x, value: current.value, converged: true, iterations, evaluations };
}

/** A function's value and gradient at a point. */
export interface ValueAndGradient {
  readonly value: number;
  readonly gradient: number[];
}

/** Result of {@link bfgs}. */
export interface BfgsResult {
  readonly x: number[];
  readonly value: number;
  readonly gradient: number[];
  readonly converged: boolean;
  readonly iterations: number;
}

const dot = (a: readonly number[], b: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxAbs = (a: readonly number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * Quasi-Newton minimisation (BFGS with an Armijo backtracking line search) for smooth objectives
 * with an analytic gradient. Converged when the largest gradient component is below
 * `gTolerance`. Steps are capped at `maxStep` in every coordinate.
 */
export function bfgs(
  fg: (x: readonly number[]) => ValueAndGradient,
  start: readonly number[],
  options: { maxIterations: number; gTolerance: number; maxStep: number },
): BfgsResult {
  const n = start.length;
  let x = start.slice();
  let current = fg(x);
  if (!Number.isFinite(current.value))
    return { x, value: current.value, gradient: current.gradient, converged: false, iterations: 0 };
  let h: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  const identity = () =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let scaled = false;
  let stalls = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    const g = current.gradient;
    if (maxAbs(g) <= options.gTolerance)
      return { x, value: current.value, gradient: g, converged: true, iterations: it };
    let p = h.map((row) => -dot(row, g));
    let slope = dot(g, p);
    if (!(slope < 0)) {
      h = identity();
      p = g.map((v) => -v);
      slope = dot(g, p);
    }
    let step = Math.min(1, options.maxStep / Math.max(maxAbs(p), 1e-300));
    let next: ValueAndGradient | undefined;
    let xNext: number[] = x;
    for (let k = 0; k < 60; k++) {
      xNext = x.map((v, i) => v + step * p[i]!);
      const trial = fg(xNext);
      if (Number.isFinite(trial.value) && trial.value <= current.value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step /= 2;
    }
    if (next === undefined)
      // no decrease along a descent direction: the gradient is at the level of rounding noise
      return { x, value: current.value, gradient: g, converged: false, iterations: it };
    // at the optimum the objective stops decreasing before the gradient reaches the tolerance
    // (rounding in sums over many rows): three steps without a decrease end the run
    stalls = current.value - next.value <= 1e-15 * (1 + Math.abs(current.value)) ? stalls + 1 : 0;
    if (stalls >= 3)
      return {
        x: xNext,
        value: next.value,
        gradient: next.gradient,
        converged: maxAbs(next.gradient) <= options.gTolerance,
        iterations: it + 1,
      };
    const s = xNext.map((v, i) => v - x[i]!);
    const y = next.gradient.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (!scaled) {
        const yy = dot(y, y);
        h = identity().map((row) => row.map((v) => (v * sy) / yy));
        scaled = true;
      }
      const rho = 1 / sy;
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      h = h.map((row, i) =>
        row.map(
          (v, j) =>
            v - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!,
        ),
      );
    }
    x = xNext;
    current = next;
  }
  return {
    x,
    value: current.value,
    gradient: current.gradient,
    converged: maxAbs(current.gradient) <= options.gTolerance,
    iterations: options.maxIterations,
  };
}
