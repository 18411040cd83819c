/**
 * Kaplan-Meier written plainly, for the property tests of timeToFirstValue and
 * timeToSecondPurchase: at each event time, the share still waiting is multiplied by
 * (1 - events / customers at risk); quantiles are the first time the share that got there reaches
 * the level, the mean is the area under the curve up to the last observation.
 */
export interface Observation {
  readonly duration: number;
  readonly reached: boolean;
}

export function referenceKaplanMeier(observations: readonly Observation[]) {
  if (observations.length === 0) return { median: null, p75: null, p90: null, mean: null };
  const times = [...new Set(observations.map((o) => o.duration))].sort((a, b) => a - b);
  const levels = [0.5, 0.75, 0.9];
  const found: (number | null)[] = [null, null, null];
  let survival = 1;
  let area = 0;
  let previous = 0;
  for (const t of times) {
    area += survival * (t - previous);
    previous = t;
    const atRisk = observations.filter((o) => o.duration >= t).length;
    const events = observations.filter((o) => o.duration === t && o.reached).length;
    if (events === 0) continue;
    survival *= 1 - events / atRisk;
    levels.forEach((q, i) => {
      if (found[i] === null && 1 - survival >= q - 1e-9) found[i] = t;
    });
  }
  return { median: found[0]!, p75: found[1]!, p90: found[2]!, mean: area };
}

/** Quantiles of observed durations: the smallest value with at least that share at or below it. */
export function referenceObserved(durations: readonly number[]) {
  if (durations.length === 0) return { median: null, p75: null, p90: null, mean: null };
  const sorted = [...durations].sort((a, b) => a - b);
  const q = (p: number) => sorted.find((_, i) => (i + 1) / sorted.length >= p - 1e-12)!;
  return {
    median: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    mean: sorted.reduce((s, d) => s + d, 0) / sorted.length,
  };
}
