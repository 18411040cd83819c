import type { Accumulator } from '../core/accumulator';
import type { MetricSurveyAnswer } from './inputs';
import type { MetricSnapshot } from './snapshot';
import { SurveyCounts, type SurveyScale } from './surveyCounts';

/**
 * The answer of {@link nps}.
 *
 * @category metrics
 */
export interface NpsResult {
  /** `(promoters - detractors) / responses * 100`, from -100 to 100, or `null` with no responses. */
  readonly score: number | null;
  /** Answers of 9 or 10. */
  readonly promoters: number;
  /** Answers of 7 or 8. */
  readonly passives: number;
  /** Answers of 0 to 6. */
  readonly detractors: number;
  /** Answers counted. */
  readonly responses: number;
  /** Records of another survey kind, skipped. */
  readonly skipped: number;
}

const SCALE: SurveyScale = {
  kind: 'nps',
  min: 0,
  max: 10,
  bucket: (s) => (s >= 9 ? 0 : s >= 7 ? 1 : 2),
};

function project(counts: readonly number[]): NpsResult {
  const [promoters, passives, detractors, skipped] = counts as [number, number, number, number];
  const responses = promoters + passives + detractors;
  return {
    score: responses > 0 ? ((promoters - detractors) * 100) / responses : null,
    promoters,
    passives,
    detractors,
    responses,
    skipped,
  };
}

/**
 * Creates the accumulator form of {@link nps}.
 *
 * @returns An accumulator of answers whose `result()` is an {@link NpsResult}.
 *
 * @example
 * npsAccumulator().addAll([10, 10, 3]).merge(npsAccumulator().add(8)).result().score
 * //=> 25
 *
 * @category metrics
 */
export function npsAccumulator(): Accumulator<MetricSurveyAnswer, NpsResult, MetricSnapshot> {
  return new SurveyCounts({ fn: 'npsAccumulator', root: 'responses' }, SCALE, project);
}

/**
 * Net Promoter Score: the share of promoters (9-10) minus the share of detractors (0-6), on the
 * usual -100 to 100 scale. Accepts bare scores or survey responses; responses whose `kind` is not
 * `'nps'` are skipped and counted.
 *
 * @param responses - Scores 0-10, or records with a `score`, in any order.
 * @returns The score (`null` with no responses) with its counts.
 * @throws {RetentionInputError} When a score is missing or not an integer 0-10, naming its index.
 *
 * @example
 * nps([10, 9, 9, 8, 7, 6, 3, 10])
 * //=> { score: 25, promoters: 4, passives: 2, detractors: 2, responses: 8, skipped: 0 }
 *
 * @example
 * nps([{ kind: 'nps', score: 9 }, { kind: 'csat', score: 2 }]).score
 * //=> 100
 *
 * @example
 * nps([9, 11])
 * //=> throws 'nps: responses[1] is out of range (expected an integer 0-10; received integer)'
 *
 * @category metrics
 */
export function nps(responses: Iterable<MetricSurveyAnswer>): NpsResult {
  return new SurveyCounts({ fn: 'nps', root: 'responses' }, SCALE, project)
    .addAll(responses)
    .result();
}
