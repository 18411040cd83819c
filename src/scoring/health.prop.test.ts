import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { defineHealthModel } from './defineHealthModel';
import type {
  HealthDimensionDefinition,
  HealthMeasureDefinition,
  HealthScale,
} from './healthModel';
import { scoreHealth } from './scoreHealth';
import { type HealthPopulationMember, scorePopulation } from './scorePopulation';

const asOf = Date.UTC(2026, 2, 1);
const weight = fc.double({ min: 0.01, max: 1000, noNaN: true });
const score = fc.double({ min: 0, max: 100, noNaN: true });

const scale: fc.Arbitrary<HealthScale> = fc.oneof(
  fc
    .tuple(
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.double({ min: -50, max: 50, noNaN: true }),
    )
    .filter(([a, b]) => Math.abs(a - b) > 1e-6)
    .map(([zeroAt, fullAt]) => ({ kind: 'linear', zeroAt, fullAt }) as const),
  fc
    .uniqueArray(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 5 })
    .chain((ts) =>
      fc.tuple(
        fc.constant([...ts].sort((a, b) => a - b)),
        fc.array(score, { minLength: ts.length, maxLength: ts.length }),
        score,
      ),
    )
    .map(
      ([ts, scores, below]) =>
        ({
          kind: 'tiers',
          below,
          tiers: ts.map((atLeast, i) => ({ atLeast, score: scores[i]! })),
        }) as const,
    ),
  fc
    .tuple(score, score)
    .map(([whenTrue, whenFalse]) => ({ kind: 'boolean', whenTrue, whenFalse }) as const),
);

const missing = fc.oneof(
  fc.constant('exclude' as const),
  fc.constant('zero' as const),
  score.map((s) => ({ score: s })),
);

/** A model of 1-3 dimensions of 1-4 measures, each reading its own fact `f<i>`. */
interface Definition {
  readonly id: string;
  readonly version: number;
  readonly dimensions: HealthDimensionDefinition[];
}

const definition: fc.Arbitrary<Definition> = fc
  .array(fc.array(fc.record({ weight, scale, missing }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((dims) =>
    fc.tuple(
      fc.constant(dims),
      fc.array(weight, { minLength: dims.length, maxLength: dims.length }),
    ),
  )
  .map(([dims, dimWeights]) => {
    let k = 0;
    const dimensions: HealthDimensionDefinition[] = dims.map((ms, d) => ({
      id: `d${d}`,
      weight: dimWeights[d]!,
      measures: ms.map((m): HealthMeasureDefinition => {
        const i = k++;
        return { id: `m${i}`, fact: `f${i}`, weight: m.weight, scale: m.scale, missing: m.missing };
      }),
    }));
    return { id: 'p', version: 1, dimensions };
  });

/** Facts for a definition: numbers, booleans, or missing, per measure. */
function factsFor(def: Definition): fc.Arbitrary<Record<string, unknown>> {
  const dims = def.dimensions;
  const entries = dims.flatMap((d) =>
    d.measures.map((m) => {
      const value =
        m.scale.kind === 'boolean'
          ? fc.oneof(fc.boolean(), fc.constant(undefined), fc.constant('x'))
          : fc.oneof(
              fc.double({ min: -60, max: 60, noNaN: true }),
              fc.constant(undefined),
              fc.constant(null),
            );
      return [m.fact, value] as const;
    }),
  );
  return fc.record(Object.fromEntries(entries)).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    return out;
  });
}

const modelAndFacts = definition.chain((def) => fc.tuple(fc.constant(def), factsFor(def)));

/** A naive reading of the definition: no compilation, no scratch arrays. */
function naiveScore(def: Definition, facts: Record<string, unknown>): number | null {
  let top = 0;
  let topWeight = 0;
  for (const d of def.dimensions) {
    let num = 0;
    let den = 0;
    for (const m of d.measures) {
      const v = facts[m.fact];
      let s: number | undefined;
      const sc = m.scale;
      if (sc.kind === 'boolean')
        s = typeof v === 'boolean' ? (v ? (sc.whenTrue ?? 100) : (sc.whenFalse ?? 0)) : undefined;
      else if (typeof v === 'number') {
        if (sc.kind === 'linear')
          s = Math.min(100, Math.max(0, ((v - sc.zeroAt) / (sc.fullAt - sc.zeroAt)) * 100));
        else if (sc.kind === 'tiers') {
          s = sc.below ?? 0;
          for (const t of sc.tiers) if (v >= t.atLeast) s = t.score;
        }
      }
      if (s === undefined) {
        const p = m.missing ?? 'exclude';
        if (p === 'exclude') continue;
        s = p === 'zero' ? 0 : p.score;
      }
      num += (m.weight ?? 1) * s;
      den += m.weight ?? 1;
    }
    if (den > 0) {
      top += (d.weight ?? 1) * (num / den);
      topWeight += d.weight ?? 1;
    }
  }
  return topWeight === 0 ? null : top / topWeight;
}

const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));

/** A model and facts whose score sits exactly on a band bound (50), from a failed run. */
const onTheBound = {
  definition: JSON.parse(
    '{"id":"p","version":1,"dimensions":[{"id":"d0","weight":0.010000000000000016,"measures":[{"id":"m0","fact":"f0","weight":495.3237561853042,"scale":{"kind":"linear","zeroAt":-5.6904875489667655e-142,"fullAt":0.00046745565282771336},"missing":"zero"}]},{"id":"d1","weight":0.010000000000000018,"measures":[{"id":"m1","fact":"f1","weight":0.17123628952469694,"scale":{"kind":"boolean","whenTrue":9.567240632123154e-114,"whenFalse":1.8872478839417796e-183},"missing":{"score":1.4389967900644945e-30}},{"id":"m2","fact":"f2","weight":0.15823490293720743,"scale":{"kind":"tiers","below":2.4635461500302067e-149,"tiers":[{"atLeast":-12,"score":2.2859936494879223e-241},{"atLeast":-1,"score":1.6013756262639798e-151},{"atLeast":16,"score":4.095753641181998e-128}]},"missing":"exclude"}]},{"id":"d2","weight":0.010000000000000012,"measures":[{"id":"m3","fact":"f3","weight":3.8276132153368136,"scale":{"kind":"boolean","whenTrue":3.9801339282710143e-87,"whenFalse":2.2291677188777207e-258},"missing":"exclude"}]}]}',
  ) as Definition,
  facts: { f0: 0.00046745565282771336, f1: false, f2: 0 } as Record<string, unknown>,
};

/** Two dimensions of (nearly) equal weight, one nearly full and one empty, from a failed run. */
const nearlyFifty = {
  definition: JSON.parse(
    '{"id":"p","version":1,"dimensions":[{"id":"d0","weight":0.010000000000000012,"measures":[{"id":"m0","fact":"f0","weight":0.025320388118800614,"scale":{"kind":"linear","zeroAt":-0.0000014262417942005018,"fullAt":3.92258658802792e-148},"missing":"exclude"}]},{"id":"d1","weight":0.010000000000000002,"measures":[{"id":"m1","fact":"f1","weight":0.05337990432687754,"scale":{"kind":"boolean","whenTrue":1.1343881797829512e-271,"whenFalse":1.4263282627329816e-68},"missing":"exclude"},{"id":"m2","fact":"f2","weight":35.936642777467604,"scale":{"kind":"tiers","below":2.4840665963915294e-138,"tiers":[{"atLeast":8,"score":6.447141647434937e-136},{"atLeast":15,"score":2.3340437758073488e-153},{"atLeast":16,"score":7.097780700304679e-94}]},"missing":"zero"}]}]}',
  ) as Definition,
  facts: { f0: 0 } as Record<string, unknown>,
};

describe('health score properties', () => {
  it('equals a naive reading of the definition, and stays within [0, 100] with a consistent band', () => {
    fc.assert(
      fc.property(modelAndFacts, ([def, facts]) => {
        const h = scoreHealth(defineHealthModel(def), facts, { asOf });
        expect(close(h.score, naiveScore(def, facts))).toBe(true);
        if (h.score !== null) {
          expect(h.score).toBeGreaterThanOrEqual(0);
          expect(h.score).toBeLessThanOrEqual(100);
          // bands compare the score rounded to a billionth of a point (documented in defineHealthModel)
          const rounded = Math.round(h.score * 1e9) / 1e9;
          expect(h.band).toBe(rounded <= 50 ? 'red' : rounded <= 75 ? 'yellow' : 'green');
          const shares = h.measures.reduce((s, m) => s + m.weight, 0);
          expect(Math.abs(shares - 1)).toBeLessThan(1e-9);
          const points = h.measures.reduce((s, m) => s + m.contribution, 0);
          expect(Math.abs(points - h.score)).toBeLessThan(1e-9);
        } else expect(h.band).toBeNull();
      }),
      // once found: a score a hair above 50 (two dimensions of equal weight at 100 and 0) is red
      { numRuns: 300, examples: [[[nearlyFifty.definition, nearlyFifty.facts]]] },
    );
  });

  it('raising a measure’s score never lowers the overall score', () => {
    // identity scales make a fact's value its score; raise one of them
    const identityModel = definition.map((def) => ({
      ...def,
      dimensions: def.dimensions.map((d) => ({
        ...d,
        measures: d.measures.map((m) => ({
          ...m,
          scale: { kind: 'linear', zeroAt: 0, fullAt: 100 } as const,
        })),
      })),
    }));
    fc.assert(
      fc.property(
        identityModel.chain((def) => {
          const facts = def.dimensions.flatMap((d) => d.measures.map((m) => m.fact));
          return fc.tuple(
            fc.constant(def),
            fc.array(score, { minLength: facts.length, maxLength: facts.length }),
            fc.nat(facts.length - 1),
            fc.double({ min: 0, max: 100, noNaN: true }),
          );
        }),
        ([def, values, which, raise]) => {
          const model = defineHealthModel(def);
          const facts = Object.fromEntries(values.map((v, i) => [`f${i}`, v]));
          const before = scoreHealth(model, facts, { asOf }).score!;
          const raised = { ...facts, [`f${which}`]: Math.min(100, values[which]! + raise) };
          const after = scoreHealth(model, raised, { asOf }).score!;
          expect(after).toBeGreaterThanOrEqual(before - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scaling the weights of a level by a constant changes nothing', () => {
    fc.assert(
      fc.property(
        modelAndFacts,
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        fc.boolean(),
        ([def, facts], c, measuresLevel) => {
          const scaled: Definition = {
            ...def,
            dimensions: def.dimensions.map((d) =>
              measuresLevel
                ? { ...d, measures: d.measures.map((m) => ({ ...m, weight: (m.weight ?? 1) * c })) }
                : { ...d, weight: (d.weight ?? 1) * c },
            ),
          };
          const a = scoreHealth(defineHealthModel(def), facts, { asOf });
          const b = scoreHealth(defineHealthModel(scaled), facts, { asOf });
          expect(close(b.score, a.score)).toBe(true);
          expect(b.band).toBe(a.band);
        },
      ),
      // once found: rescaled, the mean came out a hair above the red band's bound of 50
      {
        numRuns: 300,
        examples: [[[onTheBound.definition, onTheBound.facts], 0.7944922345126224, false]],
      },
    );
  });

  it('the order of measures and dimensions changes nothing', () => {
    fc.assert(
      fc.property(
        modelAndFacts.chain(([def, facts]) =>
          fc.tuple(
            fc.constant(def),
            fc.constant(facts),
            fc.shuffledSubarray(def.dimensions, { minLength: def.dimensions.length }),
            fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
          ),
        ),
        ([def, facts, dims, seeds]) => {
          const shuffled: Definition = {
            ...def,
            dimensions: dims.map((d, i) => ({
              ...d,
              // rotate each dimension's measures by a random amount
              measures: d.measures.map(
                (_, j) => d.measures[(j + seeds[i % 8]!) % d.measures.length]!,
              ),
            })),
          };
          const a = scoreHealth(defineHealthModel(def), facts, { asOf });
          const b = scoreHealth(defineHealthModel(shuffled), facts, { asOf });
          expect(close(b.score, a.score)).toBe(true);
          const byId = (h: typeof a) =>
            Object.fromEntries(
              h.measures.map((m) => [m.id, [m.score, m.missing, Number(m.weight.toFixed(9))]]),
            );
          expect(byId(b)).toEqual(byId(a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scoring does not mutate the model, the facts or the options, and is deterministic', () => {
    fc.assert(
      fc.property(modelAndFacts, ([def, facts]) => {
        const model = defineHealthModel(def);
        const previous = scoreHealth(model, facts, { asOf });
        assertPure(scoreHealth, model, facts, {
          asOf,
          previous,
          overrides: [{ measure: 'm0', score: 10, expiresAt: asOf + 1 }],
        });
        assertPure(defineHealthModel, def);
      }),
      { numRuns: 50 },
    );
  });

  it("scorePopulation's summary equals the full score member by member, from arrays and iterables", () => {
    fc.assert(
      fc.property(
        definition.chain((def) =>
          fc.tuple(
            fc.constant(def),
            fc.array(
              fc.tuple(
                factsFor(def),
                fc.option(score, { nil: undefined }),
                fc.option(score, { nil: undefined }),
              ),
              { maxLength: 25 },
            ),
            fc.boolean(),
          ),
        ),
        ([def, rows, asIterable]) => {
          const model = defineHealthModel(def);
          const members = rows.map(([facts, previous, override], i) => ({
            id: `c${i}`,
            account: `a${i % 3}`,
            facts,
            ...(previous === undefined ? {} : { previous: { score: previous } }),
            ...(override === undefined
              ? {}
              : { overrides: [{ measure: 'm0', score: override, expiresAt: asOf + 1 }] }),
          }));
          const input: Iterable<HealthPopulationMember> = asIterable ? new Set(members) : members;
          const summary = scorePopulation(model, input, { asOf, detail: 'summary' });
          const full = scorePopulation(model, members, { asOf });
          expect(summary.scores).toEqual(
            full.scores.map((f) => ({
              id: f.id,
              scorecard: f.scorecard,
              score: f.score,
              band: f.band,
              change: f.change,
            })),
          );
          expect(summary.counts).toEqual(full.counts);
          expect(summary.accounts).toEqual(full.accounts);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scorePopulation equals scoreHealth member by member, percentile measures included', () => {
    const withPercentile = definition.map((def) => ({
      ...def,
      dimensions: [
        ...def.dimensions,
        { id: 'rank', measures: [{ id: 'r', fact: 'r', scale: { kind: 'percentile' } as const }] },
      ],
    }));
    fc.assert(
      fc.property(
        withPercentile.chain((def) =>
          fc.tuple(
            fc.constant(def),
            fc.array(
              fc.tuple(
                factsFor(def),
                fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(undefined)),
              ),
              { maxLength: 25 },
            ),
          ),
        ),
        ([def, rows]) => {
          const model = defineHealthModel(def);
          const members = rows.map(([facts, r], i) => ({
            id: `c${i}`,
            facts: r === undefined ? facts : { ...facts, r },
          }));
          const result = scorePopulation(model, members, { asOf });
          const values = members
            .map((m) => (m.facts as { r?: unknown }).r)
            .filter((r): r is number => typeof r === 'number')
            .map((r) => r + 0); // the reference holds -0 as 0
          expect(result.reference.default!.r).toEqual([...values].sort((a, b) => a - b));
          members.forEach((m, i) => {
            expect(result.scores[i]).toEqual({
              id: m.id,
              ...scoreHealth(model, m.facts, { asOf, reference: result.reference }),
            });
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
