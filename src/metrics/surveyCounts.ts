/**
 * The counting accumulator behind nps and csat: answers are validated, bucketed, and counted.
 *
 * @internal
 * @module
 */
import { describeType, failInput } from '../core/errors';
import type { JsonValue } from '../core/validate';
import type { MetricSurveyAnswer } from './inputs';
import { MetricAccumulator, type Site, snapArray, snapNumber } from './internal';

export interface SurveyScale {
  readonly kind: 'nps' | 'csat';
  readonly min: number;
  readonly max: number;
  /** The bucket (0, 1, 2) of a valid score. */
  readonly bucket: (score: number) => number;
}

export class SurveyCounts<T> extends MetricAccumulator<MetricSurveyAnswer, T> {
  /** Answers per bucket, and skipped answers (another survey kind) last. */
  readonly counts = [0, 0, 0, 0];

  constructor(
    site: Site,
    private readonly scale: SurveyScale,
    private readonly project: (counts: readonly number[]) => T,
  ) {
    super(site, `retention-kit/${scale.kind}`, {});
  }

  protected accept(answer: MetricSurveyAnswer, index: number): void {
    let score: unknown = answer;
    let path: (string | number)[] = [index];
    if (typeof answer === 'object' && answer !== null) {
      if (answer.kind !== undefined && answer.kind !== this.scale.kind) {
        this.counts[3]!++;
        return;
      }
      score = answer.score;
      path = [index, 'score'];
    }
    const { min, max } = this.scale;
    if (!(typeof score === 'number' && Number.isInteger(score) && score >= min && score <= max)) {
      failInput(
        { fn: this.site.fn, path, root: this.site.root },
        score === undefined
          ? { code: 'required', path: [] }
          : {
              code: 'out_of_range',
              path: [],
              expected: `an integer ${min}-${max}`,
              received: describeType(score),
            },
      );
    }
    this.counts[this.scale.bucket(score as number)]!++;
  }

  protected state(): JsonValue {
    return { counts: [...this.counts] };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const list = snapArray(fn, (state as { counts?: unknown } | null)?.counts, ['state', 'counts']);
    for (let i = 0; i < 4; i++) this.counts[i]! += snapNumber(fn, list[i], ['state', 'counts', i]);
  }

  result(): T {
    return this.project(this.counts);
  }
}
