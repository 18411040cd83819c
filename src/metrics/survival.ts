/**
 * Summaries of "time until something happens" with right-censoring, shared by
 * timeToFirstValue and timeToSecondPurchase.
 *
 * @internal
 * @module
 */

/**
 * Median, 75th and 90th percentiles and mean of a duration, in milliseconds. A value is `null`
 * when it cannot be known from the data (no customer, or too many still waiting).
 *
 * @category metrics
 */
export interface DurationSummary {
  /** 50th percentile (ms). */
  readonly median: number | null;
  /** 75th percentile (ms). */
  readonly p75: number | null;
  /** 90th percentile (ms). */
  readonly p90: number | null;
  /** Mean (ms). */
  readonly mean: number | null;
}

const QUANTILES = [
  [1, 2],
  [3, 4],
  [9, 10],
] as const;
/** Absorbs the rounding of the Kaplan-Meier product when comparing it with a quantile level. */
const TOLERANCE = 1e-9;
const EMPTY: DurationSummary = { median: null, p75: null, p90: null, mean: null };

/** Largest duration whose encoding `2 * duration + 1` is exact. */
const ENCODABLE = 2 ** 51;

/**
 * Sorts the observations by time, events before censorings at equal times. Durations are
 * encoded as `2 * duration + (censored ? 1 : 0)` and sorted as a typed array, without a comparator;
 * durations beyond 71,000 years (only absurd inputs produce them) take a comparator sort.
 */
function sortObservations(
  durations: ArrayLike<number>,
  reached: ArrayLike<number>,
  n: number,
): { times: Float64Array; censored: Uint8Array } {
  const times = new Float64Array(n);
  const censored = new Uint8Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) if (durations[i]! > max) max = durations[i]!;
  if (max <= ENCODABLE) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = durations[i]! * 2 + (reached[i] ? 0 : 1);
    keys.sort();
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      censored[i] = k % 2;
      times[i] = (k - censored[i]!) / 2;
    }
  } else {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort(
      (a, b) => durations[a]! - durations[b]! || (reached[a] ? 0 : 1) - (reached[b] ? 0 : 1),
    );
    order.forEach((j, i) => {
      times[i] = durations[j]!;
      censored[i] = reached[j] ? 0 : 1;
    });
  }
  return { times, censored };
}

/**
 * Kaplan-Meier estimate from `n` durations, `reached[i]` telling an observed event from a
 * censored one. Quantiles are the first time the estimated share that reached it is at least the
 * level; the mean is the area under the survival curve up to the last observed time (the
 * restricted mean, which equals the plain mean when nothing is censored).
 */
export function kaplanMeier(
  durations: ArrayLike<number>,
  reached: ArrayLike<number>,
  n: number,
): DurationSummary {
  if (n === 0) return EMPTY;
  const { times, censored: flags } = sortObservations(durations, reached, n);
  const found: (number | null)[] = [null, null, null];
  let survival = 1;
  let atRisk = n;
  let area = 0;
  let previous = 0;
  for (let i = 0; i < n; ) {
    const t = times[i]!;
    let events = 0;
    let censored = 0;
    for (; i < n && times[i] === t; i++) {
      if (flags[i] === 0) events++;
      else censored++;
    }
    area += survival * (t - previous);
    previous = t;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      for (let q = 0; q < QUANTILES.length; q++) {
        const [num, den] = QUANTILES[q]!;
        if (found[q] === null && 1 - survival >= num / den - TOLERANCE) found[q] = t;
      }
    }
    atRisk -= events + censored;
  }
  return { median: found[0]!, p75: found[1]!, p90: found[2]!, mean: area };
}

/** The plain summary of observed durations (no censoring): ECDF quantiles and the mean. */
export function observedSummary(durations: ArrayLike<number>, n: number): DurationSummary {
  if (n === 0) return EMPTY;
  const sorted = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sorted[i] = durations[i]!;
    sum += durations[i]!;
  }
  sorted.sort();
  const at = ([num, den]: readonly [number, number]) => sorted[Math.ceil((num * n) / den) - 1]!;
  return { median: at(QUANTILES[0]), p75: at(QUANTILES[1]), p90: at(QUANTILES[2]), mean: sum / n };
}
