import type { Accumulator } from '../core/accumulator';
import type { MetricSurveyAnswer } from './inputs';
import type { MetricSnapshot } from './snapshot';
import { SurveyCounts, type SurveyScale } from './surveyCounts';

/**
 * The answer of {@link csat}.
 *
 * @category metrics
 */
export interface CsatResult {
  /** `satisfied / responses`, or `null` with no responses. */
  readonly rate: number | null;
  /** Answers of 4 or 5. */
  readonly satisfied: number;
  /** Answers of 3. */
  readonly neutral: number;
  /** Answers of 1 or 2. */
  readonly dissatisfied: number;
  /** Answers counted. */
  readonly responses: number;
  /** Records of another survey kind, skipped. */
  readonly skipped: number;
}

const SCALE: SurveyScale = {
  kind: 'csat',
  min: 1,
  max: 5,
  bucket: (s) => (s >= 4 ? 0 : s === 3 ? 1 : 2),
};

function project(counts: readonly number[]): CsatResult {
  const [satisfied, neutral, dissatisfied, skipped] = counts as [number, number, number, number];
  const responses = satisfied + neutral + dissatisfied;
  return {
    rate: responses > 0 ? satisfied / responses : null,
    satisfied,
    neutral,
    dissatisfied,
    responses,
    skipped,
  };
}

/**
 * Creates the accumulator form of {@link csat}.
 *
 * @returns An accumulator of answers whose `result()` is a {@link CsatResult}.
 *
 * @example
 * csatAccumulator().addAll([5, 4]).merge(csatAccumulator().addAll([2, 3]).snapshot()).result().rate
 * //=> 0.5
 *
 * @category metrics
 */
export function csatAccumulator(): Accumulator<MetricSurveyAnswer, CsatResult, MetricSnapshot> {
  return new SurveyCounts({ fn: 'csatAccumulator', root: 'responses' }, SCALE, project);
}

/**
 * Customer satisfaction (CSAT): the share of answers of 4 or 5 on a 1-5 scale. Accepts bare
 * scores or survey responses; responses whose `kind` is not `'csat'` are skipped and counted.
 *
 * @param responses - Scores 1-5, or records with a `score`, in any order.
 * @returns The rate (`null` with no responses) with its counts.
 * @throws {RetentionInputError} When a score is missing or not an integer 1-5, naming its index.
 *
 * @example
 * csat([5, 4, 4, 3, 1])
 * //=> { rate: 0.6, satisfied: 3, neutral: 1, dissatisfied: 1, responses: 5, skipped: 0 }
 *
 * @category metrics
 */
export function csat(responses: Iterable<MetricSurveyAnswer>): CsatResult {
  return new SurveyCounts({ fn: 'csat', root: 'responses' }, SCALE, project)
    .addAll(responses)
    .result();
}
