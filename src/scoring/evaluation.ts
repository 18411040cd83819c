import { describeType, failInput } from '../core/errors';
import { at, requireNumber, requireObject, type Where } from './internal';

/**
 * A prediction and what happened: the model's score (a probability for {@link logLoss} and
 * {@link calibrationTable}, any number for {@link rocAuc}) and whether the customer churned.
 *
 * @category scoring
 */
export interface ScoredOutcome {
  readonly score: number;
  readonly churned: boolean;
}

function read(
  outcomes: Iterable<ScoredOutcome>,
  fn: string,
  probability: boolean,
): { scores: Float64Array; labels: Uint8Array } {
  const root: Where = { fn, root: 'outcomes', path: [] };
  if (outcomes === null || typeof outcomes !== 'object' || !(Symbol.iterator in outcomes))
    failInput(root, {
      code: 'invalid_type',
      path: [],
      expected: 'an iterable of { score, churned }',
      received: describeType(outcomes),
    });
  const scores: number[] = [];
  const labels: number[] = [];
  let i = 0;
  for (const o of outcomes) {
    const w = at(root, i++);
    const rec = requireObject(o, w);
    scores.push(requireNumber(rec.score, at(w, 'score'), probability ? { min: 0, max: 1 } : {}));
    if (typeof rec.churned !== 'boolean')
      failInput(at(w, 'churned'), {
        code: 'invalid_type',
        path: [],
        expected: 'a boolean',
        received: describeType(rec.churned),
      });
    labels.push(rec.churned ? 1 : 0);
  }
  return { scores: Float64Array.from(scores), labels: Uint8Array.from(labels) };
}

/** AUC of typed arrays (average ranks for ties). @internal */
export function aucOf(scores: Float64Array, labels: Uint8Array): number | null {
  const n = scores.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    // ranks i+1 .. j+1 share their average
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (labels[order[k]!] === 1) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The area under the ROC curve: the probability that a customer who churned scores higher than
 * one who stayed, ties counting one half (the Mann-Whitney statistic, as scikit-learn's
 * `roc_auc_score` computes it). 0.5 is a coin toss, 1 a perfect ranking. Works for any score
 * that ranks customers (a probability, days since the last login, 0/1 from a rule).
 *
 * @param outcomes - Scores and what happened.
 * @returns The AUC in [0, 1], or `null` when nobody or everybody churned.
 * @throws {RetentionInputError} When a score is not a finite number or `churned` not a boolean.
 *
 * @example
 * rocAuc([
 *   { score: 0.9, churned: true },
 *   { score: 0.4, churned: true },
 *   { score: 0.4, churned: false },
 *   { score: 0.1, churned: false },
 * ])
 * //=> 0.875
 *
 * @category scoring
 */
export function rocAuc(outcomes: Iterable<ScoredOutcome>): number | null {
  const { scores, labels } = read(outcomes, 'rocAuc', false);
  return aucOf(scores, labels);
}

const EPS = 1e-15;

/** Mean log-loss of typed arrays (probabilities clipped to [1e-15, 1 - 1e-15]). @internal */
export function logLossOf(probabilities: Float64Array, labels: Uint8Array): number | null {
  const n = probabilities.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, probabilities[i]!));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log1p(-p);
  }
  return sum / n;
}

/**
 * The mean log-loss (cross-entropy) of predicted churn probabilities: lower is better, and it
 * punishes confident mistakes. Probabilities are clipped to `[1e-15, 1 - 1e-15]` so a certain
 * and wrong prediction costs about 34.5, not infinity.
 *
 * @param outcomes - Predicted probabilities (`score`) and what happened.
 * @returns The mean log-loss, or `null` for no outcomes.
 * @throws {RetentionInputError} When a score is not in [0, 1] or `churned` not a boolean.
 *
 * @example
 * Number(logLoss([{ score: 0.8, churned: true }, { score: 0.2, churned: false }]).toFixed(4))
 * //=> 0.2231
 *
 * @category scoring
 */
export function logLoss(outcomes: Iterable<ScoredOutcome>): number | null {
  const { scores, labels } = read(outcomes, 'logLoss', true);
  return logLossOf(scores, labels);
}

/**
 * One row of a calibration table: the predictions in `[from, to)` (the last bin includes 1).
 *
 * @category scoring
 */
export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly examples: number;
  readonly churned: number;
  /** The mean predicted probability in the bin. */
  readonly meanPredicted: number;
  /** The share that churned: close to `meanPredicted` when the model is calibrated. */
  readonly observedRate: number;
}

/**
 * Options of {@link calibrationTable}.
 *
 * @category scoring
 */
export interface CalibrationTableOptions {
  /** Bins of equal width over [0, 1]. @defaultValue `10` */
  readonly bins?: number;
}

/** The calibration table of typed arrays. @internal */
export function calibrationOf(
  probabilities: Float64Array,
  labels: Uint8Array,
  bins: number,
): CalibrationBin[] {
  const count = new Float64Array(bins);
  const churned = new Float64Array(bins);
  const sum = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    churned[b]! += labels[i]!;
    sum[b]! += p;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      examples: count[b]!,
      churned: churned[b]!,
      meanPredicted: sum[b]! / count[b]!,
      observedRate: churned[b]! / count[b]!,
    });
  }
  return out;
}

/**
 * A calibration table (a reliability diagram as data): predictions grouped into bins of equal
 * width, each with its mean predicted probability and the share that actually churned. Empty
 * bins are left out, as scikit-learn's `calibration_curve` leaves them out.
 *
 * @param outcomes - Predicted probabilities (`score`) and what happened.
 * @param options - See {@link CalibrationTableOptions}.
 * @returns The non-empty bins, in ascending order.
 * @throws {RetentionInputError} When a score is not in [0, 1], `churned` not a boolean, or `bins`
 * not an integer from 1 to 1000.
 *
 * @example
 * calibrationTable([
 *   { score: 0.05, churned: false }, { score: 0.15, churned: false },
 *   { score: 0.7, churned: true }, { score: 0.9, churned: true },
 * ], { bins: 2 }).map((b) => [b.from, b.examples, b.meanPredicted, b.observedRate])
 * //=> [[0, 2, 0.1, 0], [0.5, 2, 0.8, 1]]
 *
 * @category scoring
 */
export function calibrationTable(
  outcomes: Iterable<ScoredOutcome>,
  options: CalibrationTableOptions = {},
): CalibrationBin[] {
  const fn = 'calibrationTable';
  requireObject(options, { fn, root: 'options', path: [] });
  const bins = requireNumber(
    options.bins ?? 10,
    { fn, root: 'options', path: ['bins'] },
    {
      min: 1,
      max: 1000,
      integer: true,
    },
  );
  const { scores, labels } = read(outcomes, fn, true);
  return calibrationOf(scores, labels, bins);
}
