/**
 * The health model's types, and its compiled form (fact getters, scales as closures, weights as
 * arrays) built once per model and cached. No zod here: scoring never pulls in the schema.
 *
 * @module
 */
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  makeGetter,
} from '../core/condition';
import { isInstantInput, toInstant } from '../core/instant';
import { DAY } from './internal';

/**
 * One tier of a {@link HealthScale} of kind `'tiers'`: a value `>= atLeast` scores `score`, unless
 * it also reaches a higher tier.
 *
 * @category scoring
 */
export interface HealthTier {
  /** The smallest value of the tier (inclusive). */
  readonly atLeast: number;
  /** The score of the tier, 0-100. */
  readonly score: number;
}

/**
 * How a measure maps its value to a score from 0 to 100.
 *
 * | kind | value | score |
 * |---|---|---|
 * | `tiers` | number | the `score` of the highest tier whose `atLeast` the value reaches; `below` (default 0) under the first tier. Tiers ascend by `atLeast`; their scores may go either way (fewer days since the last login is better). |
 * | `linear` | number | 0 at `zeroAt`, 100 at `fullAt`, a straight line between, clamped outside. `zeroAt > fullAt` makes lower values better. |
 * | `percentile` | number | the value's percentile rank among the scored population (`100 · (below + equal / 2) / n`), or `100 -` that with `higherIsBetter: false`. |
 * | `boolean` | boolean | `whenTrue` (default 100) or `whenFalse` (default 0). |
 *
 * A value of the wrong type (a string where a number is expected, `NaN`) counts as missing.
 *
 * @category scoring
 */
export type HealthScale =
  | {
      readonly kind: 'tiers';
      /** At least one tier, in strictly ascending `atLeast` order. */
      readonly tiers: readonly HealthTier[];
      /** The score of a value below the first tier. @defaultValue `0` */
      readonly below?: number;
    }
  | {
      readonly kind: 'linear';
      /** The value that scores 0. */
      readonly zeroAt: number;
      /** The value that scores 100 (different from `zeroAt`). */
      readonly fullAt: number;
    }
  | {
      readonly kind: 'percentile';
      /** Whether a larger value is healthier. @defaultValue `true` */
      readonly higherIsBetter?: boolean;
    }
  | {
      readonly kind: 'boolean';
      /** @defaultValue `100` */
      readonly whenTrue?: number;
      /** @defaultValue `0` */
      readonly whenFalse?: number;
    };

/**
 * What a measure scores when its fact is missing (absent, `null`, or of the wrong type):
 *
 * - `'exclude'`: the measure drops out and the remaining weights are renormalised (a dimension
 *   whose measures all drop out drops out in turn);
 * - `'zero'`: it scores 0 and keeps its weight;
 * - `{ score }`: it scores this neutral value and keeps its weight.
 *
 * @category scoring
 */
export type HealthMissingPolicy = 'exclude' | 'zero' | { readonly score: number };

/**
 * How a measure reads its fact: the value as it is, or the days from an instant to `asOf`
 * (`daysSince`, for "last seen") or from `asOf` to an instant (`daysUntil`, for "renews on").
 * Instants may be epoch milliseconds, `Date`s or ISO-8601 strings with an offset.
 *
 * @category scoring
 */
export type HealthFactReading = 'value' | 'daysSince' | 'daysUntil';

/**
 * One measure of a health model: a fact, how to read it, how to score it, its weight in its
 * dimension and what to do when it is missing.
 *
 * @category scoring
 */
export interface HealthMeasureDefinition {
  /** Unique in its scorecard. */
  readonly id: string;
  /** A name for people. @defaultValue the id */
  readonly label?: string;
  /**
   * A dot-separated path into the account's facts (`'activity.login.last30d'`). A metric you
   * computed (an NPS, a time to first value) goes into the facts first.
   */
  readonly fact: string;
  /** @defaultValue `'value'` */
  readonly read?: HealthFactReading;
  /** Any positive number; weights are normalised within the dimension. @defaultValue `1` */
  readonly weight?: number;
  readonly scale: HealthScale;
  /** @defaultValue `'exclude'` */
  readonly missing?: HealthMissingPolicy;
}

/**
 * A dimension (Gainsight's measure group): measures whose weighted mean is the dimension's
 * score.
 *
 * @category scoring
 */
export interface HealthDimensionDefinition {
  /** Unique in its scorecard. */
  readonly id: string;
  /** @defaultValue the id */
  readonly label?: string;
  /** Any positive number; normalised across the scorecard's dimensions. @defaultValue `1` */
  readonly weight?: number;
  readonly measures: readonly HealthMeasureDefinition[];
}

/**
 * A scorecard: the dimensions that score the accounts its `when` condition selects (a segment,
 * or a stage such as the first 30 days).
 *
 * @category scoring
 */
export interface HealthScorecardDefinition {
  /** Unique in the model. */
  readonly id: string;
  /** @defaultValue the id */
  readonly label?: string;
  /**
   * Which accounts it scores, in the condition language, evaluated on the facts at `asOf`; the
   * first scorecard whose condition holds is used. Leave it out on the last scorecard (the
   * default). @defaultValue always
   */
  readonly when?: Condition;
  readonly dimensions: readonly HealthDimensionDefinition[];
}

/**
 * A band of the score. Bands are listed in ascending order; each covers the scores above the
 * previous band's `upTo` up to and including its own: with `upTo` 50, 75 and 100, red is
 * `[0, 50]`, yellow `(50, 75]` and green `(75, 100]`. Boundaries apply to the score to a
 * billionth of a point (not rounded to integers), so 50.2 is yellow; integer scores fall as in
 * Gainsight's 0-50 / 51-75 / 76-100 scheme.
 *
 * @category scoring
 */
export interface HealthBand {
  readonly name: string;
  /** The largest score of the band (inclusive). The last band's is 100. */
  readonly upTo: number;
}

/**
 * A health model as plain JSON: bands and one or more scorecards of dimensions of measures.
 * Give `dimensions` for a single scorecard, or `scorecards` for models per segment or stage.
 * Validate it with {@link defineHealthModel}.
 *
 * @category scoring
 */
export type HealthModelDefinition = {
  readonly id: string;
  readonly version: number;
  /** @defaultValue red up to 50, yellow up to 75, green up to 100 */
  readonly bands?: readonly HealthBand[];
} & (
  | {
      readonly dimensions: readonly HealthDimensionDefinition[];
      readonly scorecards?: undefined;
    }
  | {
      readonly scorecards: readonly HealthScorecardDefinition[];
      readonly dimensions?: undefined;
    }
);

/**
 * A measure of a validated {@link HealthModel}, every default filled in.
 *
 * @category scoring
 */
export interface HealthMeasure {
  readonly id: string;
  readonly label: string;
  readonly fact: string;
  readonly read: HealthFactReading;
  readonly weight: number;
  readonly scale: HealthScale;
  readonly missing: HealthMissingPolicy;
}

/**
 * A dimension of a validated {@link HealthModel}.
 *
 * @category scoring
 */
export interface HealthDimension {
  readonly id: string;
  readonly label: string;
  readonly weight: number;
  readonly measures: readonly HealthMeasure[];
}

/**
 * A scorecard of a validated {@link HealthModel}; `when` is `null` for the default.
 *
 * @category scoring
 */
export interface HealthScorecard {
  readonly id: string;
  readonly label: string;
  readonly when: Condition | null;
  readonly dimensions: readonly HealthDimension[];
}

/**
 * A validated health model: the definition with every default filled in, still plain JSON
 * (store it, diff it, send it to an admin UI). Made by {@link defineHealthModel}; scored by
 * {@link scoreHealth} and {@link scorePopulation}.
 *
 * @category scoring
 */
export interface HealthModel {
  readonly id: string;
  readonly version: number;
  readonly bands: readonly HealthBand[];
  readonly scorecards: readonly HealthScorecard[];
}

/** The default bands, as in Gainsight's numeric scheme. */
export const DEFAULT_BANDS: readonly HealthBand[] = [
  { name: 'red', upTo: 50 },
  { name: 'yellow', upTo: 75 },
  { name: 'green', upTo: 100 },
];

// ---------------------------------------------------------------------------------------------
// Compiled form. Internal.

/** Reads a measure's value: a finite number, a boolean, or `undefined` when missing. */
export type ValueReader = (facts: unknown, asOf: number) => number | boolean | undefined;

export interface CompiledMeasure {
  readonly id: string;
  readonly index: number;
  readonly dimension: number;
  readonly weight: number;
  readonly read: ValueReader;
  readonly percentile: { readonly higherIsBetter: boolean } | null;
  /** The score of a missing value, or `null` to exclude it. */
  readonly missingScore: number | null;
  /**
   * The scale's kind and parameters, scored by {@link scaleScore}, and the fact's own property
   * name when the path has one segment and the value is read as it is (else `null`, and `read`
   * is used), so the population loop reads and scores without a call through a closure.
   */
  readonly flat: FlatMeasure;
}

/** See {@link CompiledMeasure.flat}. `kind`: 0 linear, 1 tiers, 2 boolean, 3 none (use closures). */
export interface FlatMeasure {
  readonly key: string | null;
  readonly kind: 0 | 1 | 2 | 3;
  /** linear: zeroAt and span; boolean: the scores when true and when false; tiers: below. */
  readonly a: number;
  readonly b: number;
  readonly thresholds: Float64Array;
  readonly tierScores: Float64Array;
}

const NO_TIERS = new Float64Array(0);

function flatten(measure: HealthMeasure): FlatMeasure {
  const plain = measure.read === undefined || measure.read === 'value';
  const key = plain && !measure.fact.includes('.') ? measure.fact : null;
  const scale = measure.scale;
  switch (scale.kind) {
    case 'linear':
      return {
        key,
        kind: 0,
        a: scale.zeroAt,
        b: scale.fullAt - scale.zeroAt,
        thresholds: NO_TIERS,
        tierScores: NO_TIERS,
      };
    case 'tiers':
      return {
        key,
        kind: 1,
        a: scale.below ?? 0,
        b: 0,
        thresholds: Float64Array.from(scale.tiers, (t) => t.atLeast),
        tierScores: Float64Array.from(scale.tiers, (t) => t.score),
      };
    case 'boolean':
      return {
        key,
        kind: 2,
        a: scale.whenTrue ?? 100,
        b: scale.whenFalse ?? 0,
        thresholds: NO_TIERS,
        tierScores: NO_TIERS,
      };
    default:
      return { key: null, kind: 3, a: 0, b: 0, thresholds: NO_TIERS, tierScores: NO_TIERS };
  }
}

export interface CompiledScorecard {
  readonly id: string;
  readonly when: CompiledCondition | null;
  readonly dimensionIds: readonly string[];
  readonly dimensionWeights: Float64Array;
  readonly measures: readonly CompiledMeasure[];
  readonly measureIndex: ReadonlyMap<string, number>;
  readonly hasPercentile: boolean;
}

export interface CompiledModel {
  readonly model: HealthModel;
  readonly scorecards: readonly CompiledScorecard[];
  readonly bandUpTo: Float64Array;
  readonly bandNames: readonly string[];
}

/** An instant fact as epoch milliseconds, or `undefined` when it is not a valid instant. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return isInstantInput(value) ? toInstant(value) : undefined;
}

function reader(measure: HealthMeasure): ValueReader {
  const get = makeGetter(measure.fact);
  const wantsBoolean = measure.scale.kind === 'boolean';
  if (measure.read === 'daysSince') {
    return (f, asOf) => {
      const t = instantOf(get(f));
      return t === undefined ? undefined : (asOf - t) / DAY;
    };
  }
  if (measure.read === 'daysUntil') {
    return (f, asOf) => {
      const t = instantOf(get(f));
      return t === undefined ? undefined : (t - asOf) / DAY;
    };
  }
  if (wantsBoolean) {
    return (f) => {
      const v = get(f);
      return typeof v === 'boolean' ? v : undefined;
    };
  }
  return (f) => {
    const v = get(f);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
}

/**
 * The score (0-100) a tiers, linear or boolean scale gives a value, or NaN when the value does not
 * fit it (not a finite number, or not a boolean for a boolean scale) and for percentile scales,
 * which rank against a population instead.
 */
export function scaleScore(flat: FlatMeasure, v: unknown): number {
  if (flat.kind === 2) return typeof v === 'boolean' ? (v ? flat.a : flat.b) : Number.NaN;
  if (flat.kind === 3 || typeof v !== 'number' || !Number.isFinite(v)) return Number.NaN;
  if (flat.kind === 0) return Math.min(100, Math.max(0, ((v - flat.a) * 100) / flat.b));
  const thresholds = flat.thresholds;
  if (v < thresholds[0]!) return flat.a;
  // few tiers: a linear scan from the top is faster than a binary search
  let t = thresholds.length - 1;
  while (v < thresholds[t]!) t--;
  return flat.tierScores[t]!;
}

function missingScore(policy: HealthMissingPolicy): number | null {
  if (policy === 'exclude') return null;
  if (policy === 'zero') return 0;
  return policy.score;
}

const cache = new WeakMap<HealthModel, CompiledModel>();

/** Compiles a validated model (cached per model object). */
export function compileHealthModel(model: HealthModel): CompiledModel {
  const cached = cache.get(model);
  if (cached !== undefined) return cached;
  const scorecards = model.scorecards.map((card): CompiledScorecard => {
    const measures: CompiledMeasure[] = [];
    card.dimensions.forEach((d, di) => {
      for (const m of d.measures) {
        measures.push({
          id: m.id,
          index: measures.length,
          dimension: di,
          weight: m.weight,
          read: reader(m),
          percentile:
            m.scale.kind === 'percentile'
              ? { higherIsBetter: m.scale.higherIsBetter ?? true }
              : null,
          missingScore: missingScore(m.missing),
          flat: flatten(m),
        });
      }
    });
    return {
      id: card.id,
      when: card.when === null ? null : compileCondition(card.when),
      dimensionIds: card.dimensions.map((d) => d.id),
      dimensionWeights: Float64Array.from(card.dimensions, (d) => d.weight),
      measures,
      measureIndex: new Map(measures.map((m) => [m.id, m.index])),
      hasPercentile: measures.some((m) => m.percentile !== null),
    };
  });
  const compiled: CompiledModel = {
    model,
    scorecards,
    bandUpTo: Float64Array.from(model.bands, (b) => b.upTo),
    bandNames: model.bands.map((b) => b.name),
  };
  cache.set(model, compiled);
  return compiled;
}

/**
 * The band of a score in [0, 100]. The score is compared at a billionth of a point: the same
 * measures under proportional weights give weighted means that differ in the last bits, and one
 * of them a hair above a bound (50.000000000001) must not land in another band.
 */
export function bandOf(compiled: CompiledModel, score: number): string {
  return compiled.bandNames[bandIndexOf(compiled, score)]!;
}

/** The index of the band of `score` in `compiled.bandNames`. */
export function bandIndexOf(compiled: CompiledModel, score: number): number {
  const upTo = compiled.bandUpTo;
  const s = Math.round(score * 1e9) / 1e9;
  for (let i = 0; i < upTo.length; i++) if (s <= upTo[i]!) return i;
  return upTo.length - 1;
}

/** The first scorecard whose condition holds, or -1. */
export function selectScorecard(compiled: CompiledModel, facts: unknown, asOf: number): number {
  const cards = compiled.scorecards;
  for (let i = 0; i < cards.length; i++) {
    const when = cards[i]!.when;
    if (when === null || when.evaluate(facts, asOf)) return i;
  }
  return -1;
}

/**
 * The percentile rank (0-100) of `value` among sorted `values`: the share below plus half the
 * share equal (the "mean" definition), or `undefined` for an empty population.
 */
export function percentileRank(sorted: Float64Array, value: number): number | undefined {
  const n = sorted.length;
  if (n === 0) return undefined;
  // first index >= value, first index > value
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  const equal = lo - below;
  return ((below + equal / 2) / n) * 100;
}
