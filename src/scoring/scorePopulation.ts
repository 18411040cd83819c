import { describeType, failInput } from '../core/errors';
import type { InstantInput } from '../core/instant';
import { toInstant } from '../core/instant';
import {
  bandIndexOf,
  bandOf,
  compileHealthModel,
  type HealthModel,
  selectScorecard,
} from './healthModel';
import {
  activeOverrides,
  combine,
  directKeys,
  type HealthOverride,
  type HealthReference,
  makeScratch,
  NO_OVERRIDES,
  readMeasures,
  type Scratch,
  scoreOnly,
} from './healthScoring';
import { at, own, requireNumber, requireObject, requireString, type Where } from './internal';
import { buildHealthScore, type HealthScore, previousScoreOf } from './scoreHealth';

/**
 * One member of a population to score: an account, or a user of an account (give `account` to
 * roll users up into accounts).
 *
 * @category scoring
 */
export interface HealthPopulationMember {
  /** Identifies the member in the result. */
  readonly id: string;
  /** The member's facts, as for {@link scoreHealth}. */
  readonly facts: unknown;
  /** The account the member belongs to, for the rollup. @defaultValue not rolled up */
  readonly account?: string;
  /** The member's role (`'admin'`, `'user'`), for a rollup weighted by role. */
  readonly role?: string;
  /** Manual overrides, as for {@link scoreHealth}. @defaultValue `[]` */
  readonly overrides?: readonly HealthOverride[];
  /** The member's previous score (a full or a summary result), for the change. */
  readonly previous?: { readonly score: number | null } | null;
}

/**
 * How {@link scorePopulation} rolls members up into accounts.
 *
 * - `average`: the mean of the members' scores;
 * - `minimum`: the lowest member's score (an account is as healthy as its least healthy user);
 * - `weighted`: the mean weighted by role (`roleWeights`, `defaultRoleWeight` for other roles).
 *
 * Members without a score are left out; an account none of whose members has one scores `null`.
 *
 * @category scoring
 */
export interface HealthRollupOptions {
  /** @defaultValue `'average'` */
  readonly method?: 'average' | 'minimum' | 'weighted';
  /** Weights per role for `weighted`, each > 0. @defaultValue `{}` */
  readonly roleWeights?: Readonly<Record<string, number>>;
  /** The weight of a role not in `roleWeights` (and of members without a role). @defaultValue `1` */
  readonly defaultRoleWeight?: number;
}

/**
 * Options of {@link scorePopulation}.
 *
 * @category scoring
 */
export interface ScorePopulationOptions<D extends 'full' | 'summary' = 'full'> {
  /** The instant of the scores. */
  readonly asOf: InstantInput;
  /**
   * `'full'` returns a {@link HealthScore} per member (contributions included); `'summary'` only
   * the score, band and change, which is much faster for millions of accounts.
   * @defaultValue `'full'`
   */
  readonly detail?: D;
  /** How members roll up into accounts. @defaultValue `{ method: 'average' }` */
  readonly rollup?: HealthRollupOptions;
}

/**
 * The short form of a member's score (`detail: 'summary'`).
 *
 * @category scoring
 */
export interface HealthScoreSummary {
  readonly id: string;
  readonly scorecard: string | null;
  readonly score: number | null;
  readonly band: string | null;
  readonly change: number | null;
}

/**
 * A member's full score (`detail: 'full'`): a {@link HealthScore} with the member's id.
 *
 * @category scoring
 */
export type MemberHealthScore = HealthScore & { readonly id: string };

/**
 * An account's health rolled up from its members.
 *
 * @category scoring
 */
export interface AccountHealth {
  readonly account: string;
  readonly members: number;
  /** Members with a score. */
  readonly scored: number;
  readonly score: number | null;
  readonly band: string | null;
  /** The lowest member score, whatever the method. */
  readonly minimum: number | null;
}

/**
 * The result of {@link scorePopulation}.
 *
 * @category scoring
 */
export interface PopulationHealth<S> {
  /** One score per member, in input order. */
  readonly scores: readonly S[];
  /** One rollup per account named by a member, in order of first appearance. */
  readonly accounts: readonly AccountHealth[];
  /** The populations the percentile measures ranked against; pass it to {@link scoreHealth}. */
  readonly reference: HealthReference;
  readonly counts: {
    readonly members: number;
    readonly scored: number;
    /** Members per band. */
    readonly bands: Readonly<Record<string, number>>;
  };
}

/**
 * Scores a whole population at once: needed for percentile measures, which rank each member
 * against the others scored by the same scorecard, and much faster than one
 * {@link scoreHealth} call per account. Members can be users of accounts: give each its `account`
 * and the result rolls them up by average, minimum or role-weighted mean. The scores equal
 * {@link scoreHealth}'s with the returned `reference`.
 *
 * @param model - A model from {@link defineHealthModel}.
 * @param members - The members to score, any iterable (read once).
 * @param options - See {@link ScorePopulationOptions}; `asOf` is required.
 * @returns The scores in input order, the account rollups, the percentile reference and counts.
 * @throws {RetentionInputError} When a member, its facts, an override or an option is malformed.
 *
 * @example
 * const model = defineHealthModel({
 *   id: 'usage', version: 1,
 *   dimensions: [{ id: 'usage', measures: [{ id: 'logins', fact: 'logins', scale: { kind: 'percentile' } }] }],
 * });
 * const result = scorePopulation(model, [
 *   { id: 'ann', account: 'acme', role: 'admin', facts: { logins: 30 } },
 *   { id: 'bob', account: 'acme', role: 'user', facts: { logins: 2 } },
 *   { id: 'cy', account: 'initech', facts: { logins: 10 } },
 *   { id: 'di', account: 'initech', facts: { logins: 10 } },
 * ], { asOf: '2026-03-01T00:00:00Z', detail: 'summary', rollup: { method: 'weighted', roleWeights: { admin: 3 } } });
 * [result.scores.map((s) => s.score), result.accounts.map((a) => [a.account, a.score, a.band])]
 * //=> [[87.5, 12.5, 50, 50], [['acme', 68.75, 'yellow'], ['initech', 50, 'red']]]
 *
 * @category scoring
 */
export function scorePopulation<D extends 'full' | 'summary' = 'full'>(
  model: HealthModel,
  members: Iterable<HealthPopulationMember>,
  options: ScorePopulationOptions<D>,
): PopulationHealth<D extends 'summary' ? HealthScoreSummary : MemberHealthScore> {
  const fn = 'scorePopulation';
  const where: Where = { fn, root: 'options', path: [] };
  requireObject(options, where);
  const asOf = toInstant(options.asOf, { fn, root: 'options', path: ['asOf'] });
  const detail = options.detail ?? 'full';
  if (detail !== 'full' && detail !== 'summary')
    failInput(at(where, 'detail'), {
      code: 'invalid_enum',
      path: [],
      expected: "'full' or 'summary'",
    });
  const rollup = resolveRollup(options.rollup, at(where, 'rollup'));
  const compiled = compileHealthModel(model);
  const cards = compiled.scorecards;

  const root: Where = { fn, root: 'members', path: [] };
  if (members === null || typeof members !== 'object' || !(Symbol.iterator in members))
    failInput(root, {
      code: 'invalid_type',
      path: [],
      expected: 'an iterable of members',
      received: describeType(members),
    });
  // Percentile measures rank against the population, so the members are read before scoring;
  // without them, one pass reads and scores each member.
  const twoPasses = cards.some((c) => c.hasPercentile);
  // the checked members: the input itself when it is an array (each is checked as it is scored)
  const inputArray = Array.isArray(members) && !twoPasses;
  const list: Record<string, unknown>[] = inputArray
    ? (members as unknown as Record<string, unknown>[])
    : [];
  let chosen = new Int32Array(0);

  // Pass 1 (with percentile measures): read the members and choose each one's scorecard.
  if (twoPasses) {
    chosen = new Int32Array(Array.isArray(members) ? Math.max(members.length, 16) : 1024);
    for (const m of members) {
      const raw = checkMember(m, list.length, root);
      if (list.length === chosen.length) {
        const grown = new Int32Array(chosen.length * 2);
        grown.set(chosen);
        chosen = grown;
      }
      chosen[list.length] = selectScorecard(compiled, raw.facts, asOf);
      list.push(raw);
    }
  }

  // Pass 2: the populations of percentile measures, per scorecard.
  const percentiles: (Float64Array | undefined)[][] = cards.map((c) =>
    new Array(c.measures.length).fill(undefined),
  );
  const reference: Record<string, Record<string, number[]>> = {};
  cards.forEach((card, ci) => {
    if (!card.hasPercentile) return;
    reference[card.id] = {};
    for (const m of card.measures) {
      if (m.percentile === null) continue;
      const values: number[] = [];
      for (let i = 0; i < list.length; i++) {
        if (chosen[i] !== ci) continue;
        const v = m.read(list[i]!.facts, asOf);
        // -0 as 0: a typed array sorts -0 before 0, and the reference is data users store as JSON
        if (typeof v === 'number') values.push(v + 0);
      }
      const sorted = Float64Array.from(values).sort();
      percentiles[ci]![m.index] = sorted;
      reference[card.id]![m.id] = Array.from(sorted);
    }
  });

  // Pass 3: score.
  const scratch: Scratch[] = cards.map(makeScratch);
  const direct = cards.map(directKeys);
  const scores: (HealthScoreSummary | MemberHealthScore)[] = [];
  const bandCounts: Record<string, number> = {};
  const perBand = new Float64Array(compiled.bandNames.length);
  let scored = 0;
  let memberScores = new Float64Array(
    twoPasses || inputArray ? list.length : Array.isArray(members) ? members.length : 1024,
  );
  let i = 0;
  for (const m of twoPasses ? list : members) {
    const raw = twoPasses ? (m as Record<string, unknown>) : checkMember(m, i, root);
    if (!twoPasses && !inputArray) list.push(raw);
    const facts = raw.facts as object;
    const ci = twoPasses ? chosen[i]! : selectScorecard(compiled, facts, asOf);
    const card = ci < 0 ? undefined : cards[ci];
    const overrides =
      raw.overrides === undefined
        ? NO_OVERRIDES
        : activeOverrides(raw.overrides, card, asOf, at(root, i, 'overrides'));
    const previousScore =
      raw.previous === undefined ? null : previousScoreOf(raw.previous, at(root, i, 'previous'));
    if (i === memberScores.length) {
      const grown = new Float64Array(memberScores.length * 2);
      grown.set(memberScores);
      memberScores = grown;
    }
    let computed = Number.NaN;
    if (detail === 'summary') {
      // the score alone, in one loop over the measures: no per-measure detail to record
      if (card !== undefined)
        computed = scoreOnly(
          card,
          facts,
          asOf,
          percentiles[ci]!,
          overrides,
          scratch[ci]!,
          direct[ci]!,
        );
      const score = overrides.overall ?? (Number.isNaN(computed) ? null : computed);
      let band: string | null = null;
      if (score !== null) {
        const b = bandIndexOf(compiled, score);
        band = compiled.bandNames[b]!;
        perBand[b]!++;
        scored++;
      }
      scores.push({
        id: raw.id as string,
        scorecard: card?.id ?? null,
        score,
        band,
        change: score === null || previousScore === null ? null : score - previousScore,
      });
      memberScores[i++] = score ?? Number.NaN;
      continue;
    }
    if (card !== undefined) {
      readMeasures(card, facts, asOf, percentiles[ci]!, overrides, scratch[ci]!);
      computed = combine(card, scratch[ci]!);
    }
    const result: MemberHealthScore = {
      id: raw.id as string,
      ...buildHealthScore(
        compiled,
        ci,
        card === undefined ? null : scratch[ci]!,
        computed,
        overrides,
        asOf,
        previousScore,
      ),
    };
    scores.push(result);
    memberScores[i++] = result.score ?? Number.NaN;
    if (result.band !== null) {
      scored++;
      perBand[compiled.bandNames.indexOf(result.band)]!++;
    }
  }
  compiled.bandNames.forEach((name, b) => {
    bandCounts[name] = perBand[b]!;
  });

  const accounts = rollUp(
    list,
    memberScores.subarray(0, i),
    rollup,
    (s) => bandOf(compiled, s),
    root,
  );
  return {
    scores: scores as (D extends 'summary' ? HealthScoreSummary : MemberHealthScore)[],
    accounts,
    reference,
    counts: { members: i, scored, bands: bandCounts },
  };
}

/** Checks one member (an object with an id and a facts object) and returns it. */
function checkMember(m: unknown, index: number, root: Where): Record<string, unknown> {
  // the checks build their error location only when they fail: one object per member adds up
  const raw =
    typeof m === 'object' && m !== null && !Array.isArray(m)
      ? (m as Record<string, unknown>)
      : requireObject(m, at(root, index));
  const id = raw.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 256)
    requireString(id, at(root, index, 'id'));
  const facts = raw.facts;
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    failInput(at(root, index, 'facts'), {
      code: 'invalid_type',
      path: [],
      expected: 'an object',
      received: describeType(facts),
    });
  return raw;
}

interface ResolvedRollup {
  readonly method: 'average' | 'minimum' | 'weighted';
  readonly roleWeights: Readonly<Record<string, number>>;
  readonly defaultRoleWeight: number;
}

function resolveRollup(rollup: unknown, where: Where): ResolvedRollup {
  if (rollup === undefined) return { method: 'average', roleWeights: {}, defaultRoleWeight: 1 };
  const r = requireObject(rollup, where);
  const method = r.method ?? 'average';
  if (method !== 'average' && method !== 'minimum' && method !== 'weighted')
    failInput(at(where, 'method'), {
      code: 'invalid_enum',
      path: [],
      expected: "'average', 'minimum' or 'weighted'",
    });
  const roleWeights =
    r.roleWeights === undefined ? {} : requireObject(r.roleWeights, at(where, 'roleWeights'));
  for (const key of Object.keys(roleWeights))
    requireNumber(roleWeights[key], at(where, 'roleWeights', key), { min: 0, minExclusive: true });
  const defaultRoleWeight =
    r.defaultRoleWeight === undefined
      ? 1
      : requireNumber(r.defaultRoleWeight, at(where, 'defaultRoleWeight'), {
          min: 0,
          minExclusive: true,
        });
  return { method, roleWeights: roleWeights as Record<string, number>, defaultRoleWeight };
}

function rollUp(
  list: readonly Readonly<Record<string, unknown>>[],
  scores: Float64Array,
  rollup: ResolvedRollup,
  band: (score: number) => string,
  root: Where,
): AccountHealth[] {
  const groups = new Map<
    string,
    { members: number; scored: number; sum: number; weights: number; minimum: number }
  >();
  for (let i = 0; i < list.length; i++) {
    const raw = list[i]!;
    if (raw.account === undefined) continue;
    const account = requireString(raw.account, at(root, i, 'account'));
    let g = groups.get(account);
    if (g === undefined) {
      g = { members: 0, scored: 0, sum: 0, weights: 0, minimum: Number.POSITIVE_INFINITY };
      groups.set(account, g);
    }
    g.members++;
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    let w = 1;
    if (rollup.method === 'weighted') {
      const role = raw.role;
      if (role !== undefined && typeof role !== 'string')
        failInput(at(root, i, 'role'), {
          code: 'invalid_type',
          path: [],
          expected: 'a string',
          received: describeType(role),
        });
      w =
        (role === undefined ? undefined : own(rollup.roleWeights, role)) ??
        rollup.defaultRoleWeight;
    }
    g.scored++;
    g.sum += w * s;
    g.weights += w;
    if (s < g.minimum) g.minimum = s;
  }
  const out: AccountHealth[] = [];
  for (const [account, g] of groups) {
    const minimum = g.scored === 0 ? null : g.minimum;
    const score =
      g.scored === 0 ? null : rollup.method === 'minimum' ? g.minimum : g.sum / g.weights;
    out.push({
      account,
      members: g.members,
      scored: g.scored,
      score,
      band: score === null ? null : band(score),
      minimum,
    });
  }
  return out;
}
