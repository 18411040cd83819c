import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { defineHealthModel } from './defineHealthModel';
import { scoreHealth } from './scoreHealth';
import { type HealthPopulationMember, scorePopulation } from './scorePopulation';

const asOf = '2026-03-01T00:00:00Z';

const model = defineHealthModel({
  id: 'm',
  version: 1,
  scorecards: [
    {
      id: 'new',
      when: { fact: 'tenureDays', op: 'lt', value: 30 },
      dimensions: [
        {
          id: 'setup',
          measures: [
            { id: 'steps', fact: 'steps', scale: { kind: 'linear', zeroAt: 0, fullAt: 4 } },
            { id: 'logins', fact: 'logins', scale: { kind: 'percentile' } },
          ],
        },
      ],
    },
    {
      id: 'default',
      dimensions: [
        {
          id: 'usage',
          weight: 2,
          measures: [
            { id: 'logins', fact: 'logins', scale: { kind: 'percentile' } },
            {
              id: 'quiet',
              fact: 'daysQuiet',
              scale: { kind: 'percentile', higherIsBetter: false },
            },
          ],
        },
        {
          id: 'support',
          measures: [
            {
              id: 'csat',
              fact: 'csat',
              scale: { kind: 'linear', zeroAt: 1, fullAt: 5 },
              missing: { score: 50 },
            },
          ],
        },
      ],
    },
  ],
});

const members: HealthPopulationMember[] = [
  {
    id: 'u1',
    account: 'a',
    role: 'admin',
    facts: { tenureDays: 100, logins: 20, daysQuiet: 1, csat: 5 },
  },
  { id: 'u2', account: 'a', role: 'user', facts: { tenureDays: 100, logins: 3, daysQuiet: 9 } },
  { id: 'u3', account: 'b', facts: { tenureDays: 5, steps: 2, logins: 3 } },
  { id: 'u4', account: 'b', facts: { tenureDays: 5, steps: 4, logins: 9 } },
  { id: 'u5', account: 'c', facts: { tenureDays: 200, logins: 3, daysQuiet: 30, csat: 2 } },
  { id: 'u6', facts: { tenureDays: 200, logins: 'n/a', daysQuiet: 30 } },
  { id: 'u7', account: 'd', facts: { tenureDays: 20 } },
];

describe('scorePopulation', () => {
  it('ranks percentile measures within the population of each scorecard', () => {
    const result = scorePopulation(model, members, { asOf });
    expect(result.reference).toEqual({
      new: { logins: [3, 9] },
      default: { logins: [3, 3, 20], quiet: [1, 9, 30, 30] },
    });
    const logins = (id: string) =>
      result.scores.find((s) => s.id === id)!.measures.find((m) => m.id === 'logins')!.score;
    expect(['u1', 'u2', 'u3', 'u4', 'u5'].map(logins)).toEqual([
      ((2 + 0.5) / 3) * 100,
      ((0 + 1) / 3) * 100,
      25,
      75,
      ((0 + 1) / 3) * 100,
    ]);
    const quiet = result.scores[0]!.measures.find((m) => m.id === 'quiet')!;
    expect(quiet.score).toBe(100 - 12.5);
  });

  it('holds -0 as 0 in the reference, whatever the order of the members', () => {
    for (const order of [
      [0, -0],
      [-0, 0],
    ]) {
      const result = scorePopulation(
        model,
        order.map((logins, i) => ({ id: `z${i}`, facts: { tenureDays: 100, logins } })),
        { asOf },
      );
      const reference = result.reference.default!.logins!;
      expect(reference).toEqual([0, 0]);
      expect(reference.some((x) => Object.is(x, -0))).toBe(false);
    }
  });

  it('gives the scores scoreHealth gives with the returned reference', () => {
    const result = scorePopulation(model, members, { asOf });
    members.forEach((m, i) => {
      const single = scoreHealth(model, m.facts, { asOf, reference: result.reference });
      expect(result.scores[i]).toEqual({ id: m.id, ...single });
    });
    const summary = scorePopulation(model, members, { asOf, detail: 'summary' });
    expect(summary.scores).toEqual(
      result.scores.map((s) => ({
        id: s.id,
        scorecard: s.scorecard,
        score: s.score,
        band: s.band,
        change: s.change,
      })),
    );
    expect(summary.counts).toEqual(result.counts);
    expect(result.counts.members).toBe(7);
  });

  it('rolls members up into accounts: average, minimum, weighted by role', () => {
    const scores = scorePopulation(model, members, { asOf, detail: 'summary' }).scores;
    const s = (id: string) => scores.find((x) => x.id === id)!.score!;
    const average = scorePopulation(model, members, { asOf, detail: 'summary' }).accounts;
    expect(average.map((a) => [a.account, a.members, a.scored])).toEqual([
      ['a', 2, 2],
      ['b', 2, 2],
      ['c', 1, 1],
      ['d', 1, 0],
    ]);
    expect(average[0]!.score).toBeCloseTo((s('u1') + s('u2')) / 2, 12);
    expect(average[3]).toEqual({
      account: 'd',
      members: 1,
      scored: 0,
      score: null,
      band: null,
      minimum: null,
    });
    const minimum = scorePopulation(model, members, {
      asOf,
      detail: 'summary',
      rollup: { method: 'minimum' },
    }).accounts;
    expect(minimum[0]!.score).toBe(Math.min(s('u1'), s('u2')));
    expect(minimum[0]!.band).toBe(
      minimum[0]!.score! <= 50 ? 'red' : minimum[0]!.score! <= 75 ? 'yellow' : 'green',
    );
    const weighted = scorePopulation(model, members, {
      asOf,
      detail: 'summary',
      rollup: { method: 'weighted', roleWeights: { admin: 4 }, defaultRoleWeight: 0.5 },
    }).accounts;
    expect(weighted[0]!.score).toBeCloseTo((4 * s('u1') + 1 * 0.5 * s('u2')) / 4.5, 12);
    expect(weighted[1]!.score).toBeCloseTo((s('u3') + s('u4')) / 2, 12);
  });

  it('counts members per band and accepts any iterable', () => {
    function* generate() {
      yield* members;
    }
    const result = scorePopulation(model, generate(), { asOf, detail: 'summary' });
    const bands = result.scores.map((x) => x.band).filter((b): b is string => b !== null);
    expect(result.counts.scored).toBe(bands.length);
    for (const name of ['red', 'yellow', 'green'])
      expect(result.counts.bands[name]).toBe(bands.filter((b) => b === name).length);
  });

  it('applies overrides and the previous score per member', () => {
    const result = scorePopulation(
      model,
      [
        { id: 'x', facts: { tenureDays: 1, steps: 4 }, previous: { score: 10 } },
        {
          id: 'y',
          facts: { tenureDays: 1, steps: 0 },
          overrides: [{ score: 99, expiresAt: '2026-03-02T00:00:00Z' }],
        },
      ],
      { asOf, detail: 'summary' },
    );
    expect(result.scores.map((x) => [x.score, x.change])).toEqual([
      [100, 90],
      [99, null],
    ]);
  });

  it('is deterministic and does not mutate its inputs', () => {
    assertPure(scorePopulation, model, members, { asOf });
  });

  it('reads facts from own properties only, in summary and full detail alike', () => {
    const plain = defineHealthModel({
      id: 'own',
      version: 1,
      dimensions: [
        {
          id: 'd',
          measures: [
            { id: 'a', fact: 'a', scale: { kind: 'linear', zeroAt: 0, fullAt: 10 } },
            // a fact named like a property every object inherits
            { id: 'b', fact: 'valueOf', scale: { kind: 'linear', zeroAt: 0, fullAt: 10 } },
          ],
        },
      ],
    });
    const inherited = Object.create({ a: 10 }) as Record<string, unknown>;
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 5 });
    const population = [
      { id: 'plain', facts: { a: 5 } },
      { id: 'inherited', facts: inherited },
      { id: 'null-prototype', facts: nullProto },
      { id: 'own-valueOf', facts: { a: 0, valueOf: 10 } },
    ];
    for (const detail of ['summary', 'full'] as const) {
      const scores = scorePopulation(plain, population, { asOf, detail }).scores;
      expect(scores.map((s) => s.score)).toEqual([50, null, 50, 50]);
    }
    // a property added to Object.prototype later is still not a fact of a plain object
    const proto = Object.prototype as Record<string, unknown>;
    proto.a = 10;
    try {
      const scores = scorePopulation(plain, [{ id: 'x', facts: {} }], { asOf, detail: 'summary' });
      expect(scores.scores[0]!.score).toBeNull();
    } finally {
      delete proto.a;
    }
  });

  it('handles an empty population', () => {
    const result = scorePopulation(model, [], { asOf });
    expect(result).toEqual({
      scores: [],
      accounts: [],
      reference: { new: { logins: [] }, default: { logins: [], quiet: [] } },
      counts: { members: 0, scored: 0, bands: { red: 0, yellow: 0, green: 0 } },
    });
  });

  it('rejects malformed members and options, naming the path', () => {
    expect(() =>
      scorePopulation(model, [{ id: 'a', facts: null }], { asOf }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scorePopulation: members[0].facts has the wrong type (expected an object; received null)]`,
    );
    expect(() =>
      scorePopulation(model, [{ facts: {} } as never], { asOf }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scorePopulation: members[0].id has the wrong type (expected a non-empty string of at most 256 characters; received undefined)]`,
    );
    expect(() =>
      scorePopulation(model, [], { asOf, rollup: { method: 'median' as never } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scorePopulation: options.rollup.method is not one of the allowed values (expected 'average', 'minimum' or 'weighted')]`,
    );
    expect(() =>
      scorePopulation(model, [], { asOf, rollup: { roleWeights: { admin: 0 } } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scorePopulation: options.rollup.roleWeights.admin is out of range (expected a finite number > 0)]`,
    );
    expect(() =>
      scorePopulation(model, [], { asOf, detail: 'all' as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scorePopulation: options.detail is not one of the allowed values (expected 'full' or 'summary')]`,
    );
  });
});
