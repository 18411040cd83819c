/**
 * The scoring kernel shared by scoreHealth and scorePopulation: read every measure of the
 * selected scorecard into scratch arrays, then fold them into dimension and overall scores.
 * Internal.
 *
 * @module
 */
import { describeType, failInput, type IssuePath } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import {
  type CompiledModel,
  type CompiledScorecard,
  percentileRank,
  scaleScore,
} from './healthModel';
import { at, requireNumber, requireObject, type Where } from './internal';

/**
 * A manual override of an account's overall score, or of one measure, until it expires. Overrides
 * live with the account (who set them and why is yours to keep), not in the model.
 *
 * @category scoring
 */
export interface HealthOverride {
  /** The measure to override; leave it out to override the overall score. */
  readonly measure?: string;
  /** The score, 0-100. */
  readonly score: number;
  /** The override applies while `asOf` is before this instant. */
  readonly expiresAt: InstantInput;
}

/**
 * The population a percentile measure ranks against: per scorecard id, per measure id, the
 * measure's values over the population, ascending. {@link scorePopulation} returns it as
 * `reference`, ready to store and pass to {@link scoreHealth}.
 *
 * @category scoring
 */
export type HealthReference = Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;

/** Overrides that apply at `asOf`: per measure index, and the overall one. */
export interface ActiveOverrides {
  readonly measures: Map<number, number> | null;
  readonly overall: number | null;
}

export const NO_OVERRIDES: ActiveOverrides = { measures: null, overall: null };

/** Validates overrides and keeps those that apply to the scorecard at `asOf` (the last wins). */
export function activeOverrides(
  overrides: unknown,
  card: CompiledScorecard | undefined,
  asOf: number,
  where: Where,
): ActiveOverrides {
  if (overrides === undefined) return NO_OVERRIDES;
  if (!Array.isArray(overrides))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an array of overrides',
      received: describeType(overrides),
    });
  let measures: Map<number, number> | null = null;
  let overall: number | null = null;
  overrides.forEach((o, i) => {
    const w = at(where, i);
    const rec = requireObject(o, w);
    const score = requireNumber(rec.score, at(w, 'score'), { min: 0, max: 100 });
    const expiresAt = toInstant(rec.expiresAt as InstantInput, {
      fn: w.fn,
      root: w.root,
      path: [...w.path, 'expiresAt'],
    });
    const measure = rec.measure;
    if (measure !== undefined && typeof measure !== 'string')
      failInput(at(w, 'measure'), {
        code: 'invalid_type',
        path: [],
        expected: 'a measure id',
        received: describeType(measure),
      });
    if (asOf >= expiresAt) return;
    if (measure === undefined) overall = score;
    else {
      const index = card?.measureIndex.get(measure);
      if (index === undefined) return; // a measure of another scorecard
      measures ??= new Map();
      measures.set(index, score);
    }
  });
  return { measures, overall };
}

const hasOwn = Object.prototype.hasOwnProperty;

const sortedCache = new WeakMap<readonly number[], Float64Array>();

/** The reference values of one percentile measure as a sorted typed array (checked once). */
export function referenceValues(values: unknown, where: Where): Float64Array {
  if (!Array.isArray(values))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an ascending array of finite numbers',
      received: describeType(values),
    });
  const cached = sortedCache.get(values);
  if (cached !== undefined) return cached;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || (i > 0 && v < out[i - 1]!))
      failInput(at(where, i), {
        code: typeof v === 'number' && Number.isFinite(v) ? 'order' : 'invalid_type',
        path: [],
        expected: 'an ascending array of finite numbers',
      });
    out[i] = v;
  }
  sortedCache.set(values, out);
  return out;
}

/** Per scorecard, per measure index: the sorted population of percentile measures. */
export type Percentiles = readonly (readonly (Float64Array | undefined)[])[];

/** Reads `reference` for the percentile measures of one scorecard. */
export function percentilesFromReference(
  compiled: CompiledModel,
  cardIndex: number,
  reference: unknown,
  where: Where,
): (Float64Array | undefined)[] {
  const card = compiled.scorecards[cardIndex]!;
  const out: (Float64Array | undefined)[] = new Array(card.measures.length).fill(undefined);
  if (!card.hasPercentile) return out;
  for (const m of card.measures) {
    if (m.percentile === null) continue;
    const path: IssuePath = [card.id, m.id];
    if (typeof reference !== 'object' || reference === null)
      failInput(at(where, ...path), {
        code: 'required',
        path: [],
        detail: 'a percentile measure needs the population it ranks against',
      });
    const byCard = Object.hasOwn(reference, card.id)
      ? (reference as Record<string, unknown>)[card.id]
      : undefined;
    const values =
      typeof byCard === 'object' && byCard !== null && Object.hasOwn(byCard, m.id)
        ? (byCard as Record<string, unknown>)[m.id]
        : undefined;
    if (values === undefined)
      failInput(at(where, ...path), {
        code: 'required',
        path: [],
        detail: 'a percentile measure needs the population it ranks against',
      });
    out[m.index] = referenceValues(values, at(where, ...path));
  }
  return out;
}

/** Scratch space for one scorecard, reused from account to account. */
export interface Scratch {
  /** Each measure's value (undefined when missing). */
  readonly values: (number | boolean | undefined)[];
  /** Each measure's score, NaN when excluded. */
  readonly scores: Float64Array;
  /** 1 when the measure's fact was missing or unusable. */
  readonly missing: Uint8Array;
  /** 1 when an override set the measure's score. */
  readonly overridden: Uint8Array;
  /** Per dimension: Σ w·s and Σ w over included measures. */
  readonly num: Float64Array;
  readonly den: Float64Array;
}

export function makeScratch(card: CompiledScorecard): Scratch {
  const n = card.measures.length;
  const d = card.dimensionIds.length;
  return {
    values: new Array(n).fill(undefined),
    scores: new Float64Array(n),
    missing: new Uint8Array(n),
    overridden: new Uint8Array(n),
    num: new Float64Array(d),
    den: new Float64Array(d),
  };
}

/** The score of each measure at `asOf`, into the scratch (missing policy and overrides applied). */
export function readMeasures(
  card: CompiledScorecard,
  facts: unknown,
  asOf: number,
  percentiles: readonly (Float64Array | undefined)[],
  overrides: ActiveOverrides,
  s: Scratch,
): void {
  const measures = card.measures;
  for (let i = 0; i < measures.length; i++) {
    const m = measures[i]!;
    const v = m.read(facts, asOf);
    let score: number | undefined;
    if (v !== undefined) {
      if (m.percentile !== null) {
        const rank = typeof v === 'number' ? percentileRank(percentiles[i]!, v) : undefined;
        score = rank === undefined ? undefined : m.percentile.higherIsBetter ? rank : 100 - rank;
      } else {
        const scored = scaleScore(m.flat, v);
        if (!Number.isNaN(scored)) score = scored;
      }
    }
    s.values[i] = score === undefined ? undefined : v;
    s.missing[i] = score === undefined ? 1 : 0;
    if (score === undefined) score = m.missingScore ?? Number.NaN;
    s.overridden[i] = 0;
    if (overrides.measures !== null) {
      const o = overrides.measures.get(i);
      if (o !== undefined) {
        score = o;
        s.overridden[i] = 1;
      }
    }
    s.scores[i] = score;
  }
}

/**
 * The overall score only (NaN when nothing is scored): {@link readMeasures} and {@link combine} in
 * one loop, without recording values, missing flags or overrides per measure. The sums are taken
 * in the same order, so the result is the same number.
 */
export function scoreOnly(
  card: CompiledScorecard,
  facts: unknown,
  asOf: number,
  percentiles: readonly (Float64Array | undefined)[],
  overrides: ActiveOverrides,
  s: Scratch,
  direct: Uint8Array,
): number {
  const { num, den } = s;
  // a fact read straight, without the own-property check, when its key is not on Object.prototype
  // (checked by the caller for this call) and the facts object inherits from nothing else
  const proto = Object.getPrototypeOf(facts);
  const plain = proto === Object.prototype || proto === null;
  for (let d = 0; d < num.length; d++) {
    num[d] = 0;
    den[d] = 0;
  }
  const measures = card.measures;
  const byMeasure = overrides.measures;
  for (let i = 0; i < measures.length; i++) {
    const m = measures[i]!;
    // NaN for "no score" rather than undefined: a number-only variable stays an unboxed double
    let score = Number.NaN;
    const o = byMeasure === null ? undefined : byMeasure.get(i);
    const flat = m.flat;
    if (o !== undefined) score = o;
    else if (flat.key !== null) {
      // the same reading and scale as `read` and `score`, without two calls per measure
      score = scaleScore(
        flat,
        (plain && direct[i] === 1) || hasOwn.call(facts, flat.key)
          ? (facts as Record<string, unknown>)[flat.key]
          : undefined,
      );
    } else {
      const v = m.read(facts, asOf);
      if (v !== undefined) {
        if (m.percentile !== null) {
          const rank = typeof v === 'number' ? percentileRank(percentiles[i]!, v) : undefined;
          if (rank !== undefined) score = m.percentile.higherIsBetter ? rank : 100 - rank;
        } else score = scaleScore(flat, v);
      }
    }
    if (Number.isNaN(score)) {
      if (m.missingScore === null) continue;
      score = m.missingScore;
    }
    num[m.dimension]! += m.weight * score;
    den[m.dimension]! += m.weight;
  }
  return total(card, num, den);
}

/**
 * For each measure of the card, 1 when its flat key can be read without the own-property check:
 * the key is not a property of `Object.prototype` now (so a plain facts object has it only as its
 * own). Compute it per call, so that a later change to `Object.prototype` is seen.
 */
export function directKeys(card: CompiledScorecard): Uint8Array {
  return Uint8Array.from(card.measures, (m) =>
    m.flat.key !== null && !(m.flat.key in Object.prototype) ? 1 : 0,
  );
}

/** Folds measure scores into dimension sums and the overall score (NaN when nothing is scored). */
export function combine(card: CompiledScorecard, s: Scratch): number {
  const { num, den, scores } = s;
  num.fill(0);
  den.fill(0);
  const measures = card.measures;
  for (let i = 0; i < measures.length; i++) {
    const score = scores[i]!;
    if (!Number.isNaN(score)) {
      const m = measures[i]!;
      num[m.dimension]! += m.weight * score;
      den[m.dimension]! += m.weight;
    }
  }
  return total(card, num, den);
}

/** The weighted mean of the dimension means (NaN when no dimension has a scored measure). */
function total(card: CompiledScorecard, num: Float64Array, den: Float64Array): number {
  const weights = card.dimensionWeights;
  let sum = 0;
  let weight = 0;
  for (let d = 0; d < weights.length; d++) {
    if (den[d]! > 0) {
      sum += (weights[d]! * num[d]!) / den[d]!;
      weight += weights[d]!;
    }
  }
  if (weight === 0) return Number.NaN;
  const score = sum / weight;
  // rounding can step a hair outside the scale; the scale is [0, 100]
  return Math.min(100, Math.max(0, score));
}
