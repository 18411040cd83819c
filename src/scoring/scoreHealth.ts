import { describeType, failInput } from '../core/errors';
import { type Instant, type InstantInput, toInstant } from '../core/instant';
import {
  bandOf,
  type CompiledModel,
  compileHealthModel,
  type HealthModel,
  selectScorecard,
} from './healthModel';
import {
  type ActiveOverrides,
  activeOverrides,
  combine,
  type HealthOverride,
  type HealthReference,
  makeScratch,
  NO_OVERRIDES,
  percentilesFromReference,
  readMeasures,
  type Scratch,
} from './healthScoring';
import { at, requireNumber, requireObject, type Where } from './internal';

/**
 * One measure of a {@link HealthScore}: the value it read, its score, whether the fact was
 * missing, and its share of the overall score.
 *
 * @category scoring
 */
export interface HealthMeasureScore {
  readonly id: string;
  readonly dimension: string;
  /** The value read (days for `daysSince`/`daysUntil`), `null` when missing. */
  readonly value: number | boolean | null;
  /** 0-100 after the missing policy and any override; `null` when the measure was excluded. */
  readonly score: number | null;
  /** Whether the fact was absent, `null` or of the wrong type. */
  readonly missing: boolean;
  /** Whether a manual override set the score. */
  readonly overridden: boolean;
  /** Its effective share of the overall score, 0-1 (0 when excluded). Shares sum to 1. */
  readonly weight: number;
  /** Points it adds to the overall score: `weight · score`. Contributions sum to the score. */
  readonly contribution: number;
}

/**
 * One dimension of a {@link HealthScore}.
 *
 * @category scoring
 */
export interface HealthDimensionScore {
  readonly id: string;
  /** The weighted mean of its included measures; `null` when all were excluded. */
  readonly score: number | null;
  /** Its effective share of the overall score, 0-1. */
  readonly weight: number;
}

/**
 * The health of one account at an instant, as small plain JSON: the score and band, which
 * scorecard scored it, each dimension and measure with its contribution, and the change from the
 * previous score. {@link describeHealthScore} renders it as text.
 *
 * @category scoring
 */
export interface HealthScore {
  readonly model: string;
  readonly version: number;
  /** The scorecard that scored the account; `null` when no scorecard's condition held. */
  readonly scorecard: string | null;
  readonly asOf: Instant;
  /** 0-100, or `null` when no measure could be scored (and no overall override applies). */
  readonly score: number | null;
  /** The band of `score`, or `null` with it. */
  readonly band: string | null;
  /** The score the measures give, before an overall override. */
  readonly computedScore: number | null;
  /** Whether an overall override set the score. */
  readonly overridden: boolean;
  /** The previous result's score, when one was passed. */
  readonly previousScore: number | null;
  /** `score - previousScore`, or `null` when either is missing. */
  readonly change: number | null;
  /** The direction of `change` (Gainsight's trend arrow), or `null` with it. */
  readonly trend: 'up' | 'down' | 'same' | null;
  readonly dimensions: readonly HealthDimensionScore[];
  readonly measures: readonly HealthMeasureScore[];
}

/**
 * Options of {@link scoreHealth}.
 *
 * @category scoring
 */
export interface ScoreHealthOptions {
  /** The instant of the score: conditions, `daysSince` readings and override expiries use it. */
  readonly asOf: InstantInput;
  /** The account's previous result, for the change and the trend. @defaultValue none */
  readonly previous?: HealthScore | null;
  /** Manual overrides; expired ones are ignored, and the last one for a target wins. @defaultValue `[]` */
  readonly overrides?: readonly HealthOverride[];
  /** The population percentile measures rank against (from {@link scorePopulation}); required when the selected scorecard has one. */
  readonly reference?: HealthReference;
}

/** Builds the full result from a filled scratch. @internal */
export function buildHealthScore(
  compiled: CompiledModel,
  cardIndex: number,
  s: Scratch | null,
  computed: number,
  overrides: ActiveOverrides,
  asOf: number,
  previousScore: number | null,
): HealthScore {
  const model = compiled.model;
  const card = cardIndex < 0 ? undefined : compiled.scorecards[cardIndex];
  const computedScore = Number.isNaN(computed) ? null : computed;
  const score = overrides.overall ?? computedScore;
  const change = score === null || previousScore === null ? null : score - previousScore;
  const dimensions: HealthDimensionScore[] = [];
  const measures: HealthMeasureScore[] = [];
  if (card !== undefined && s !== null) {
    const weights = card.dimensionWeights;
    let totalWeight = 0;
    for (let d = 0; d < weights.length; d++) if (s.den[d]! > 0) totalWeight += weights[d]!;
    const share = (d: number) => (s.den[d]! > 0 ? weights[d]! / totalWeight : 0);
    for (let d = 0; d < weights.length; d++) {
      dimensions.push({
        id: card.dimensionIds[d]!,
        score: s.den[d]! > 0 ? s.num[d]! / s.den[d]! : null,
        weight: share(d),
      });
    }
    for (const m of card.measures) {
      const ms = s.scores[m.index]!;
      const included = !Number.isNaN(ms);
      const weight = included ? share(m.dimension) * (m.weight / s.den[m.dimension]!) : 0;
      const value = s.values[m.index];
      measures.push({
        id: m.id,
        dimension: card.dimensionIds[m.dimension]!,
        value: value === undefined ? null : value,
        score: included ? ms : null,
        missing: s.missing[m.index] === 1,
        overridden: s.overridden[m.index] === 1,
        weight,
        contribution: included ? weight * ms : 0,
      });
    }
  }
  return {
    model: model.id,
    version: model.version,
    scorecard: card?.id ?? null,
    asOf,
    score,
    band: score === null ? null : bandOf(compiled, score),
    computedScore,
    overridden: overrides.overall !== null,
    previousScore,
    change,
    trend: change === null ? null : change > 0 ? 'up' : change < 0 ? 'down' : 'same',
    dimensions,
    measures,
  };
}

/** Reads `previous.score`, or `null`. @internal */
export function previousScoreOf(previous: unknown, where: Where): number | null {
  if (previous === undefined || previous === null) return null;
  const rec = requireObject(previous, where);
  if (rec.score === null) return null;
  return requireNumber(rec.score, at(where, 'score'), { min: 0, max: 100 });
}

/**
 * Scores one account's health at an instant. The first scorecard whose condition holds on the
 * facts scores it; each measure reads its fact and maps it to 0-100; a dimension's score is the
 * weighted mean of its measures (`Σ w·m / Σ w`, as Gainsight computes measure groups) and the
 * overall score the weighted mean of the dimensions. Missing facts follow each measure's policy;
 * an unexpired override replaces a measure's score or the overall score. The band is the first
 * whose `upTo` is at least the score.
 *
 * @param model - A model from {@link defineHealthModel}.
 * @param facts - The account's facts: plain JSON (usage counts, dates, metrics you computed).
 * @param options - See {@link ScoreHealthOptions}; `asOf` is required.
 * @returns The score, band, contributions and trend; see {@link HealthScore}.
 * @throws {RetentionInputError} When `facts` is not an object, `asOf` is not an instant, an
 * override or the previous result is malformed, or a percentile measure has no reference.
 *
 * @example
 * // Gainsight's worked example of a measure group: weights 20, 15, 22; scores 47, 59, 21
 * const model = defineHealthModel({
 *   id: 'support', version: 1,
 *   dimensions: [{ id: 'support', measures: [
 *     { id: 'tickets', fact: 'tickets', weight: 20, scale: { kind: 'linear', zeroAt: 0, fullAt: 100 } },
 *     { id: 'timeToResolve', fact: 'timeToResolve', weight: 15, scale: { kind: 'linear', zeroAt: 0, fullAt: 100 } },
 *     { id: 'frequency', fact: 'frequency', weight: 22, scale: { kind: 'linear', zeroAt: 0, fullAt: 100 } },
 *   ] }],
 * });
 * const health = scoreHealth(model, { tickets: 47, timeToResolve: 59, frequency: 21 }, { asOf: '2026-03-01T00:00:00Z' });
 * [Number(health.score.toFixed(3)), health.band]
 * //=> [40.123, 'red']
 *
 * @example
 * // a missing fact is excluded and the other weights renormalised; the trend compares with the last score
 * const model = defineHealthModel({
 *   id: 'usage', version: 1,
 *   dimensions: [{ id: 'usage', measures: [
 *     { id: 'logins', fact: 'logins30d', scale: { kind: 'tiers', tiers: [{ atLeast: 0, score: 0 }, { atLeast: 4, score: 50 }, { atLeast: 10, score: 100 }] } },
 *     { id: 'seen', fact: 'lastLoginAt', read: 'daysSince', scale: { kind: 'linear', zeroAt: 30, fullAt: 0 } },
 *   ] }],
 * });
 * const before = scoreHealth(model, { logins30d: 12, lastLoginAt: '2026-02-27T00:00:00Z' }, { asOf: '2026-03-01T00:00:00Z' });
 * const now = scoreHealth(model, { logins30d: 5 }, { asOf: '2026-03-08T00:00:00Z', previous: before });
 * [before.score, now.score, now.measures[1].missing, now.trend]
 * //=> [96.66666666666666, 50, true, 'down']
 *
 * @category scoring
 */
export function scoreHealth(
  model: HealthModel,
  facts: unknown,
  options: ScoreHealthOptions,
): HealthScore {
  const fn = 'scoreHealth';
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const asOf = toInstant(options.asOf, { fn, root: 'options', path: ['asOf'] });
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    failInput(
      { fn, root: 'facts', path: [] },
      { code: 'invalid_type', path: [], expected: 'an object', received: describeType(facts) },
    );
  const previousScore = previousScoreOf(options.previous, at(where, 'previous'));
  const compiled = compileHealthModel(model);
  const cardIndex = selectScorecard(compiled, facts, asOf);
  const card = cardIndex < 0 ? undefined : compiled.scorecards[cardIndex];
  const overrides =
    options.overrides === undefined
      ? NO_OVERRIDES
      : activeOverrides(options.overrides, card, asOf, at(where, 'overrides'));
  if (card === undefined)
    return buildHealthScore(compiled, -1, null, Number.NaN, overrides, asOf, previousScore);
  const percentiles = percentilesFromReference(
    compiled,
    cardIndex,
    options.reference,
    at(where, 'reference'),
  );
  const s = makeScratch(card);
  readMeasures(card, facts, asOf, percentiles, overrides, s);
  const computed = combine(card, s);
  return buildHealthScore(compiled, cardIndex, s, computed, overrides, asOf, previousScore);
}
