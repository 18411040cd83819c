import { describeType, failInput } from '../core/errors';
import { normalQuantile } from '../core/numerics/normal';
import { requireNumber, requireObject, type Where } from './input';

/**
 * One customer's lifetime for survival analysis: how long they were followed, whether the end was
 * a churn (`observed: true`) or the end of observation (right-censored), and optionally when they
 * entered observation (left truncation, e.g. customers acquired before the data starts).
 *
 * @category metrics
 */
export interface SurvivalObservation {
  /** Time from the origin (signup) to churn or to the end of observation, in any unit, >= 0. */
  readonly duration: number;
  /** `true` when the customer churned at `duration`, `false` when still active (censored). */
  readonly observed: boolean;
  /** Time from the origin at which the customer entered observation (late entry). Must be < `duration`. @defaultValue `0` (from the origin) */
  readonly entry?: number;
}

/**
 * How the confidence band of a Kaplan-Meier curve is built from Greenwood's variance:
 * `'log-log'` (the complementary log-log transform, R's `conf.type = "log-log"`), `'log'`
 * (R's default `conf.type = "log"`) or `'plain'` (linear, clipped to [0, 1]).
 *
 * @category metrics
 */
export type SurvivalBand = 'log-log' | 'log' | 'plain';

/**
 * Options of {@link kaplanMeier}.
 *
 * @category metrics
 */
export interface KaplanMeierOptions {
  /** Coverage of the pointwise confidence band. @defaultValue `0.95` */
  readonly confidenceLevel?: number;
  /** The transform the band is built on. @defaultValue `'log-log'` */
  readonly band?: SurvivalBand;
}

/**
 * A Kaplan-Meier survival curve: one entry per distinct duration (churn or censoring), as R's
 * `survfit` reports it. `survival[i]` is the share still active just after `timeline[i]`.
 *
 * @category metrics
 */
export interface KaplanMeierCurve {
  /** Distinct durations, ascending. */
  readonly timeline: readonly number[];
  /** Estimated survival just after each time. */
  readonly survival: readonly number[];
  /** Lower bound of the pointwise confidence band. */
  readonly lower: readonly number[];
  /** Upper bound of the pointwise confidence band. */
  readonly upper: readonly number[];
  /** Standard error of `survival` by Greenwood's formula (R's `std.err`); 0 where survival is 0 or 1. */
  readonly standardError: readonly number[];
  /** Customers at risk just before each time (entered before it and not yet gone). */
  readonly atRisk: readonly number[];
  /** Churns at each time. */
  readonly events: readonly number[];
  /** Censorings at each time. */
  readonly censored: readonly number[];
  /** Median lifetime: the first time survival is at or below 0.5 (see {@link kaplanMeier}), or `null`. */
  readonly median: number | null;
  /** Number of observations. */
  readonly observations: number;
  /** Number of churns. */
  readonly totalEvents: number;
  readonly confidenceLevel: number;
  readonly band: SurvivalBand;
}

const FN = 'kaplanMeier';

interface Columns {
  durations: Float64Array;
  eventTimes: Float64Array;
  entries: Float64Array;
}

function readObservations(observations: Iterable<SurvivalObservation>): Columns {
  const durations: number[] = [];
  const eventTimes: number[] = [];
  const entries: number[] = [];
  let index = 0;
  for (const raw of observations) {
    const where: Where = { fn: FN, root: 'observations', path: [index] };
    const o = requireObject(raw, where);
    const duration = o.duration;
    if (typeof duration !== 'number' || !(duration >= 0) || duration === Number.POSITIVE_INFINITY)
      requireNumber(duration, { ...where, path: [index, 'duration'] }, { min: 0 });
    if (typeof o.observed !== 'boolean')
      failInput(
        { ...where, path: [index, 'observed'] },
        { code: 'invalid_type', path: [], expected: 'boolean', received: describeType(o.observed) },
      );
    durations.push(duration as number);
    if (o.observed) eventTimes.push(duration as number);
    if (o.entry !== undefined) {
      const entry = requireNumber(o.entry, { ...where, path: [index, 'entry'] }, { min: 0 });
      if (!(entry < (duration as number)))
        failInput(
          { ...where, path: [index, 'entry'] },
          { code: 'out_of_range', path: [], expected: 'less than duration' },
        );
      entries.push(entry);
    }
    index++;
  }
  return {
    durations: Float64Array.from(durations).sort(),
    eventTimes: Float64Array.from(eventTimes).sort(),
    entries: Float64Array.from(entries).sort(),
  };
}

function readOptions(options: KaplanMeierOptions): { level: number; band: SurvivalBand } {
  const level = requireNumber(
    options.confidenceLevel ?? 0.95,
    { fn: FN, root: 'options', path: ['confidenceLevel'] },
    { min: 0, minExclusive: true, max: 0.999999 },
  );
  const band = options.band ?? 'log-log';
  if (band !== 'log-log' && band !== 'log' && band !== 'plain')
    failInput(
      { fn: FN, root: 'options', path: ['band'] },
      { code: 'invalid_enum', path: [], expected: "'log-log', 'log' or 'plain'" },
    );
  return { level, band };
}

/** Median by R's convention: the first time S <= 0.5; when S is exactly 0.5 over an interval, its midpoint. */
function medianOf(timeline: readonly number[], survival: readonly number[]): number | null {
  for (let i = 0; i < survival.length; i++) {
    const s = survival[i]!;
    if (s > 0.5 + 1e-9) continue;
    if (Math.abs(s - 0.5) <= 1e-9) {
      for (let j = i + 1; j < survival.length; j++)
        if (survival[j]! < s - 1e-9) return (timeline[i]! + timeline[j]!) / 2;
    }
    return timeline[i]!;
  }
  return null;
}

function estimate(columns: Columns, level: number, band: SurvivalBand): KaplanMeierCurve {
  const { durations, eventTimes, entries } = columns;
  const n = durations.length;
  const z = normalQuantile(1 - (1 - level) / 2);
  const timeline: number[] = [];
  const survival: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const standardError: number[] = [];
  const atRisk: number[] = [];
  const events: number[] = [];
  const censored: number[] = [];
  let s = 1;
  let greenwood = 0;
  let di = 0; // durations < t
  let ei = 0; // event times < t
  let ni = 0; // entries < t
  while (di < n) {
    const t = durations[di]!;
    while (ni < entries.length && entries[ni]! < t) ni++;
    // at risk at t: duration >= t and entry < t (entries default to the origin, before any t)
    const risk = n - di - (entries.length - ni);
    let all = 0;
    while (di < n && durations[di] === t) {
      di++;
      all++;
    }
    let d = 0;
    while (ei < eventTimes.length && eventTimes[ei] === t) {
      ei++;
      d++;
    }
    if (d > 0) {
      s = d >= risk ? 0 : s * (1 - d / risk);
      if (s > 0) greenwood += d / (risk * (risk - d));
    }
    let lo = s;
    let hi = s;
    const se = Math.sqrt(greenwood); // standard error of log S
    if (s > 0 && s < 1 && se > 0) {
      if (band === 'log-log') {
        const w = (z * se) / -Math.log(s);
        lo = s ** Math.exp(w);
        hi = s ** Math.exp(-w);
      } else if (band === 'log') {
        lo = s * Math.exp(-z * se);
        hi = Math.min(1, s * Math.exp(z * se));
      } else {
        lo = Math.max(0, s - z * se * s);
        hi = Math.min(1, s + z * se * s);
      }
    }
    timeline.push(t);
    survival.push(s);
    lower.push(lo);
    upper.push(hi);
    standardError.push(s > 0 && s < 1 ? s * se : 0);
    atRisk.push(risk);
    events.push(d);
    censored.push(all - d);
  }
  return {
    timeline,
    survival,
    lower,
    upper,
    standardError,
    atRisk,
    events,
    censored,
    median: medianOf(timeline, survival),
    observations: n,
    totalEvents: eventTimes.length,
    confidenceLevel: level,
    band,
  };
}

/**
 * Estimates a survival curve from lifetimes that may be right-censored (still active) and may
 * enter late (left truncation), by the Kaplan-Meier product-limit estimator, with Greenwood's
 * variance and a pointwise confidence band computed as R's `survival` package does
 * (`survfit(Surv(entry, duration, observed) ~ 1, conf.type = "log-log")` by default).
 *
 * A customer is at risk at time `t` when `entry < t <= duration`. The median follows R's
 * convention: the first time the curve is at or below 0.5, or, when it is exactly 0.5 over an
 * interval, the midpoint of that interval; `null` when the curve never reaches 0.5. Where the
 * estimate is 1 (before any churn) or 0 (everyone gone), the band collapses onto it and the
 * standard error is reported as 0 (R reports NA there). Runs in O(n log n).
 *
 * @param observations - Lifetimes, in any order and any time unit.
 * @param options - See {@link KaplanMeierOptions}.
 * @returns The curve; empty arrays and a `null` median for no observations.
 * @throws {RetentionInputError} When a duration is negative or not finite, `observed` is not a
 * boolean, or an entry is negative or not before its duration.
 *
 * @example
 * const curve = kaplanMeier([
 *   { duration: 1, observed: true },
 *   { duration: 2, observed: true },
 *   { duration: 3, observed: false },
 *   { duration: 4, observed: true },
 * ]);
 * [curve.timeline, curve.survival, curve.atRisk, curve.median]
 * //=> [[1, 2, 3, 4], [0.75, 0.5, 0.5, 0], [4, 3, 2, 1], 3]
 *
 * @example
 * // R's survival package, aml data, "Maintained" group (summary(survfit(...)) with conf.type = "log")
 * const aml = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161];
 * const censored = new Set([2, 5, 8, 10]);
 * const km = kaplanMeier(aml.map((t, i) => ({ duration: t, observed: !censored.has(i) })), { band: 'log' });
 * [Number(km.lower[0]!.toFixed(4)), km.median]
 * //=> [0.7541, 31]
 *
 * @example
 * kaplanMeier([{ duration: -1, observed: true }])
 * //=> throws 'kaplanMeier: observations[0].duration is out of range (expected a finite number >= 0)'
 *
 * @category metrics
 */
export function kaplanMeier(
  observations: Iterable<SurvivalObservation>,
  options: KaplanMeierOptions = {},
): KaplanMeierCurve {
  const { level, band } = readOptions(options);
  return estimate(readObservations(observations), level, band);
}

/**
 * The remaining lifetime of a customer still active at time `t`, read off a Kaplan-Meier curve.
 *
 * @category metrics
 */
export interface RemainingLifetime {
  /** The time the customer is known to be active at. */
  readonly at: number;
  /** Estimated survival at `at`. */
  readonly survival: number;
  /**
   * Restricted mean remaining lifetime: the expected time still active between `at` and `horizon`,
   * `∫ S(u) du / S(at)` over [at, horizon]. A lower bound of the unrestricted mean, which the data
   * cannot estimate beyond the last observed time. `null` when `survival` is 0.
   */
  readonly restrictedMean: number | null;
  /** The last time of the curve, where the restricted mean stops. */
  readonly horizon: number;
  /**
   * Conditional median remaining lifetime: the first `u - at` with `S(u) <= S(at) / 2`, or `null`
   * when the curve never falls that far.
   */
  readonly median: number | null;
}

/**
 * The expected remaining lifetime of a customer who is still active at time `t`: the restricted
 * mean (area under the conditional survival curve up to the curve's last time) and the
 * conditional median, both measured from `t`.
 *
 * @param curve - A curve from {@link kaplanMeier}.
 * @param t - The time the customer is known to be active at (>= 0).
 * @returns See {@link RemainingLifetime}.
 * @throws {RetentionInputError} When `t` is negative or not finite.
 *
 * @example
 * const curve = kaplanMeier([1, 2, 3, 4].map((d) => ({ duration: d, observed: true })));
 * const r = kaplanMeierRemainingLifetime(curve, 2);
 * [r.survival, r.restrictedMean, r.median]
 * //=> [0.5, 1.5, 1]
 *
 * @category metrics
 */
export function kaplanMeierRemainingLifetime(
  curve: KaplanMeierCurve,
  t: number,
): RemainingLifetime {
  requireNumber(t, { fn: 'kaplanMeierRemainingLifetime', root: 't', path: [] }, { min: 0 });
  const { timeline, survival } = curve;
  const horizon = timeline.length === 0 ? t : Math.max(t, timeline[timeline.length - 1]!);
  // S(t): the last point at or before t (1 before the first)
  let i = -1;
  while (i + 1 < timeline.length && timeline[i + 1]! <= t) i++;
  const st = i < 0 ? 1 : survival[i]!;
  if (st === 0) return { at: t, survival: 0, restrictedMean: null, horizon, median: null };
  let area = 0;
  let from = t;
  let level = st;
  let median: number | null = null;
  for (let j = i + 1; j < timeline.length; j++) {
    area += level * (timeline[j]! - from);
    from = timeline[j]!;
    level = survival[j]!;
    if (median === null && level <= st / 2 + 1e-12) median = from - t;
  }
  area += level * (horizon - from);
  return { at: t, survival: st, restrictedMean: area / st, horizon, median };
}
