import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { defineHealthModel } from './defineHealthModel';
import { describeHealthScore } from './describeHealthScore';
import type { HealthMeasureDefinition, HealthModelDefinition, HealthScale } from './healthModel';
import { scoreHealth } from './scoreHealth';

const asOf = '2026-03-01T00:00:00Z';
const DAY = 86_400_000;
const identity: HealthScale = { kind: 'linear', zeroAt: 0, fullAt: 100 };

function oneDimension(
  measures: HealthMeasureDefinition[],
  extra: Partial<HealthModelDefinition> = {},
) {
  return defineHealthModel({
    id: 'm',
    version: 1,
    ...extra,
    dimensions: [{ id: 'd', measures }],
  } as HealthModelDefinition);
}

describe('scoreHealth: weights', () => {
  it("reproduces Gainsight's measure-group example: weights 20, 15, 22 and scores 47, 59, 21 give 40.122", () => {
    // Gainsight, "Calculation of Measure Group Scores and Overall Score" (Gainsight NXT docs):
    // (20·47 + 15·59 + 22·21) / (20 + 15 + 22) = 2287 / 57 = 40.122, displayed as 40
    const model = oneDimension([
      { id: 'tickets', fact: 'a', weight: 20, scale: identity },
      { id: 'resolution', fact: 'b', weight: 15, scale: identity },
      { id: 'frequency', fact: 'c', weight: 22, scale: identity },
    ]);
    const h = scoreHealth(model, { a: 47, b: 59, c: 21 }, { asOf });
    expect(h.score!.toFixed(3)).toBe('40.123');
    expect(Math.round(h.score!)).toBe(40);
    expect(h.score).toBe(2287 / 57);
  });

  it('weights dimensions, and reports shares and contributions that add up', () => {
    const model = defineHealthModel({
      id: 'm',
      version: 1,
      dimensions: [
        {
          id: 'usage',
          weight: 3,
          measures: [
            { id: 'a', fact: 'a', weight: 1, scale: identity },
            { id: 'b', fact: 'b', weight: 3, scale: identity },
          ],
        },
        { id: 'support', weight: 1, measures: [{ id: 'c', fact: 'c', scale: identity }] },
      ],
    });
    const h = scoreHealth(model, { a: 20, b: 60, c: 90 }, { asOf });
    const usage = (1 * 20 + 3 * 60) / 4;
    expect(h.dimensions).toEqual([
      { id: 'usage', score: usage, weight: 0.75 },
      { id: 'support', score: 90, weight: 0.25 },
    ]);
    expect(h.score).toBeCloseTo((3 * usage + 90) / 4, 12);
    expect(h.measures.map((m) => m.weight)).toEqual([0.1875, 0.5625, 0.25]);
    const total = h.measures.reduce((s, m) => s + m.contribution, 0);
    expect(total).toBeCloseTo(h.score!, 12);
  });
});

describe('scoreHealth: scales', () => {
  it('tiers: the highest tier reached, `below` under the first, either direction', () => {
    const model = oneDimension([
      {
        id: 'logins',
        fact: 'x',
        scale: {
          kind: 'tiers',
          below: 5,
          tiers: [
            { atLeast: 1, score: 20 },
            { atLeast: 4, score: 50 },
            { atLeast: 10, score: 100 },
          ],
        },
      },
    ]);
    const at = (x: number) => scoreHealth(model, { x }, { asOf }).score;
    expect([0, 1, 3.99, 4, 9, 10, 1e9].map(at)).toEqual([5, 20, 20, 50, 50, 100, 100]);
    const recency = oneDimension([
      {
        id: 'seen',
        fact: 'days',
        scale: {
          kind: 'tiers',
          tiers: [
            { atLeast: 0, score: 100 },
            { atLeast: 7, score: 60 },
            { atLeast: 21, score: 0 },
          ],
        },
      },
    ]);
    expect(
      [0, 6, 7, 20, 21, 400].map((days) => scoreHealth(recency, { days }, { asOf }).score),
    ).toEqual([100, 100, 60, 60, 0, 0]);
  });

  it('linear: a clamped ramp, decreasing when zeroAt > fullAt', () => {
    const up = oneDimension([
      { id: 'u', fact: 'x', scale: { kind: 'linear', zeroAt: 2, fullAt: 12 } },
    ]);
    expect([-5, 2, 7, 12, 50].map((x) => scoreHealth(up, { x }, { asOf }).score)).toEqual([
      0, 0, 50, 100, 100,
    ]);
    const down = oneDimension([
      { id: 'd', fact: 'x', scale: { kind: 'linear', zeroAt: 30, fullAt: 0 } },
    ]);
    expect([0, 15, 30, 31].map((x) => scoreHealth(down, { x }, { asOf }).score)).toEqual([
      100, 50, 0, 0,
    ]);
  });

  it('boolean: whenTrue and whenFalse; other types are missing', () => {
    const model = oneDimension([
      { id: 'crm', fact: 'crm', scale: { kind: 'boolean', whenTrue: 90, whenFalse: 10 } },
    ]);
    expect(scoreHealth(model, { crm: true }, { asOf }).score).toBe(90);
    expect(scoreHealth(model, { crm: false }, { asOf }).score).toBe(10);
    const h = scoreHealth(model, { crm: 'yes' }, { asOf });
    expect([h.score, h.measures[0]!.missing, h.measures[0]!.value]).toEqual([null, true, null]);
  });

  it('reads days since and until an instant given in any instant form', () => {
    const model = oneDimension([
      {
        id: 'since',
        fact: 'last',
        read: 'daysSince',
        scale: { kind: 'linear', zeroAt: 0, fullAt: 100 },
      },
      {
        id: 'until',
        fact: 'renews',
        read: 'daysUntil',
        scale: { kind: 'linear', zeroAt: 0, fullAt: 100 },
      },
    ]);
    const t = Date.parse(asOf);
    for (const last of [
      t - 10 * DAY,
      new Date(t - 10 * DAY),
      '2026-02-19T00:00:00Z',
      '2026-02-19T03:00:00+03:00',
    ]) {
      const h = scoreHealth(model, { last, renews: t + 30 * DAY }, { asOf });
      expect(h.measures.map((m) => m.value)).toEqual([10, 30]);
    }
    const bad = scoreHealth(
      model,
      { last: 'last tuesday', renews: '2026-03-01T12:00:00' },
      { asOf },
    );
    expect(bad.measures.map((m) => m.missing)).toEqual([true, true]);
  });

  it('reads own properties only, through nested paths', () => {
    const model = oneDimension([{ id: 'a', fact: 'usage.logins.last30d', scale: identity }]);
    expect(scoreHealth(model, { usage: { logins: { last30d: 42 } } }, { asOf }).score).toBe(42);
    const inherited = Object.create({ logins: { last30d: 42 } });
    expect(scoreHealth(model, { usage: inherited }, { asOf }).score).toBeNull();
    const proto = oneDimension([{ id: 'a', fact: 'toString', scale: { kind: 'boolean' } }]);
    expect(scoreHealth(proto, {}, { asOf }).measures[0]!.missing).toBe(true);
  });
});

describe('scoreHealth: missing data', () => {
  const model = defineHealthModel({
    id: 'm',
    version: 1,
    dimensions: [
      {
        id: 'usage',
        measures: [
          { id: 'ex', fact: 'ex', scale: identity },
          { id: 'zero', fact: 'zero', scale: identity, missing: 'zero' },
          { id: 'neutral', fact: 'neutral', scale: identity, missing: { score: 50 } },
        ],
      },
      { id: 'support', measures: [{ id: 'csat', fact: 'csat', scale: identity }] },
    ],
  });

  it('excludes and renormalises, counts as zero, or scores a neutral value', () => {
    const h = scoreHealth(model, { ex: 90, csat: 80 }, { asOf });
    expect(h.measures.map((m) => [m.id, m.score, m.missing])).toEqual([
      ['ex', 90, false],
      ['zero', 0, true],
      ['neutral', 50, true],
      ['csat', 80, false],
    ]);
    expect(h.dimensions[0]!.score).toBeCloseTo(140 / 3, 12);
    const without = scoreHealth(model, { zero: 30, neutral: 60, csat: 80 }, { asOf });
    expect(without.measures[0]).toMatchObject({
      score: null,
      missing: true,
      weight: 0,
      contribution: 0,
    });
    expect(without.dimensions[0]!.score).toBe(45);
  });

  it('drops a dimension whose measures are all excluded, and scores null when nothing is left', () => {
    const h = scoreHealth(model, { ex: 10, zero: 20, neutral: 30 }, { asOf });
    expect(h.dimensions[1]).toEqual({ id: 'support', score: null, weight: 0 });
    expect(h.dimensions[0]!.weight).toBe(1);
    expect(h.score).toBe(20);
    const empty = oneDimension([{ id: 'a', fact: 'a', scale: identity }]);
    const none = scoreHealth(empty, { a: Number.NaN }, { asOf });
    expect([none.score, none.band, none.computedScore, none.dimensions[0]!.score]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('scoreHealth: bands', () => {
  it('defines bands on the real-valued score: [0, 50] red, (50, 75] yellow, (75, 100] green', () => {
    const model = oneDimension([{ id: 'a', fact: 'a', scale: identity }]);
    const band = (a: number) => scoreHealth(model, { a }, { asOf }).band;
    expect([0, 50, 50.000001, 51, 75, 75.5, 76, 100].map(band)).toEqual([
      'red',
      'red',
      'yellow',
      'yellow',
      'yellow',
      'green',
      'green',
      'green',
    ]);
  });

  it('uses the model’s own bands', () => {
    const model = oneDimension([{ id: 'a', fact: 'a', scale: identity }], {
      bands: [
        { name: 'churn-risk', upTo: 30 },
        { name: 'ok', upTo: 100 },
      ],
    });
    expect([30, 30.5].map((a) => scoreHealth(model, { a }, { asOf }).band)).toEqual([
      'churn-risk',
      'ok',
    ]);
  });
});

describe('scoreHealth: overrides', () => {
  const model = oneDimension([
    { id: 'a', fact: 'a', scale: identity },
    { id: 'b', fact: 'b', scale: identity },
  ]);
  const t = Date.parse(asOf);

  it('replaces a measure or the overall score until the override expires', () => {
    const measure = scoreHealth(
      model,
      { a: 10, b: 30 },
      {
        asOf,
        overrides: [{ measure: 'a', score: 90, expiresAt: t + DAY }],
      },
    );
    expect([measure.score, measure.measures[0]!.overridden, measure.overridden]).toEqual([
      60,
      true,
      false,
    ]);
    const overall = scoreHealth(
      model,
      { a: 10, b: 30 },
      {
        asOf,
        overrides: [{ score: 80, expiresAt: '2026-03-02T00:00:00Z' }],
      },
    );
    expect([overall.score, overall.band, overall.computedScore, overall.overridden]).toEqual([
      80,
      'green',
      20,
      true,
    ]);
    // expiry is exclusive: at expiresAt the override no longer applies
    const expired = scoreHealth(
      model,
      { a: 10, b: 30 },
      { asOf, overrides: [{ score: 80, expiresAt: t }] },
    );
    expect([expired.score, expired.overridden]).toEqual([20, false]);
  });

  it('lets the last unexpired override win, ignores measures of other scorecards, overrides a missing fact', () => {
    const h = scoreHealth(
      model,
      { b: 30 },
      {
        asOf,
        overrides: [
          { measure: 'a', score: 10, expiresAt: t + DAY },
          { measure: 'a', score: 70, expiresAt: t + DAY },
          { measure: 'a', score: 0, expiresAt: t - 1 },
          { measure: 'elsewhere', score: 0, expiresAt: t + DAY },
        ],
      },
    );
    expect(h.measures[0]).toMatchObject({ score: 70, missing: true, overridden: true });
    expect(h.score).toBe(50);
  });

  it('overrides an account no scorecard selects', () => {
    const gated = defineHealthModel({
      id: 'g',
      version: 1,
      scorecards: [
        {
          id: 'pro',
          when: { fact: 'plan', op: 'eq', value: 'pro' },
          dimensions: [{ id: 'd', measures: [{ id: 'a', fact: 'a', scale: identity }] }],
        },
      ],
    });
    const h = scoreHealth(
      gated,
      { plan: 'free', a: 5 },
      { asOf, overrides: [{ score: 40, expiresAt: t + DAY }] },
    );
    expect([h.scorecard, h.score, h.band, h.computedScore]).toEqual([null, 40, 'red', null]);
  });

  it('rejects malformed overrides, naming the path', () => {
    expect(() =>
      scoreHealth(model, { a: 1 }, { asOf, overrides: [{ score: 101, expiresAt: t }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.overrides[0].score is out of range (expected a finite number >= 0 and <= 100)]`,
    );
    expect(() =>
      scoreHealth(model, { a: 1 }, { asOf, overrides: [{ score: 1, expiresAt: 'soon' }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.overrides[0].expiresAt is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
  });
});

describe('scoreHealth: scorecards per segment and stage', () => {
  const model = defineHealthModel({
    id: 'lifecycle',
    version: 1,
    scorecards: [
      {
        id: 'onboarding',
        when: { fact: 'signedUpAt', op: 'withinLast', value: '30d' },
        dimensions: [
          {
            id: 'setup',
            measures: [
              { id: 'steps', fact: 'steps', scale: { kind: 'linear', zeroAt: 0, fullAt: 4 } },
            ],
          },
        ],
      },
      {
        id: 'enterprise',
        when: { fact: 'plan', op: 'eq', value: 'enterprise' },
        dimensions: [
          {
            id: 'usage',
            measures: [
              { id: 'seats', fact: 'seatShare', scale: { kind: 'linear', zeroAt: 0, fullAt: 1 } },
            ],
          },
        ],
      },
      {
        id: 'default',
        dimensions: [
          {
            id: 'usage',
            measures: [
              { id: 'logins', fact: 'logins', scale: { kind: 'linear', zeroAt: 0, fullAt: 20 } },
            ],
          },
        ],
      },
    ],
  });

  it('uses the first scorecard whose condition holds at asOf', () => {
    const facts = {
      signedUpAt: '2026-02-10T00:00:00Z',
      plan: 'enterprise',
      steps: 3,
      seatShare: 0.5,
      logins: 5,
    };
    expect(scoreHealth(model, facts, { asOf }).scorecard).toBe('onboarding');
    expect(scoreHealth(model, facts, { asOf: '2026-03-20T00:00:00Z' }).scorecard).toBe(
      'enterprise',
    );
    const later = scoreHealth(model, { ...facts, plan: 'team' }, { asOf: '2026-03-20T00:00:00Z' });
    expect([later.scorecard, later.score]).toEqual(['default', 25]);
  });
});

describe('scoreHealth: trend', () => {
  const model = oneDimension([{ id: 'a', fact: 'a', scale: identity }]);
  it('compares with the previous result', () => {
    const first = scoreHealth(model, { a: 40 }, { asOf });
    const up = scoreHealth(model, { a: 55 }, { asOf, previous: first });
    const same = scoreHealth(model, { a: 55 }, { asOf, previous: up });
    const down = scoreHealth(model, { a: 10 }, { asOf, previous: same });
    expect([first, up, same, down].map((h) => [h.previousScore, h.change, h.trend])).toEqual([
      [null, null, null],
      [40, 15, 'up'],
      [55, 0, 'same'],
      [55, -45, 'down'],
    ]);
    const unscored = scoreHealth(model, {}, { asOf, previous: down });
    expect([unscored.change, unscored.trend]).toEqual([null, null]);
    expect(scoreHealth(model, { a: 1 }, { asOf, previous: unscored }).change).toBeNull();
  });
});

describe('scoreHealth: contracts', () => {
  const model = oneDimension([
    { id: 'a', fact: 'a', scale: identity },
    { id: 'p', fact: 'p', scale: { kind: 'percentile' } },
  ]);

  it('is deterministic, does not mutate its inputs, and returns JSON', () => {
    const h = assertPure(
      scoreHealth,
      model,
      { a: 10, p: 3 },
      { asOf, reference: { default: { p: [1, 2, 3, 4] } } },
    );
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
    expect(h.measures[1]!.score).toBe(62.5);
  });

  it('needs the population of a percentile measure', () => {
    expect(() => scoreHealth(model, { a: 1 }, { asOf })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.reference.default.p is required: a percentile measure needs the population it ranks against]`,
    );
    expect(() =>
      scoreHealth(model, { a: 1 }, { asOf, reference: { default: { p: [3, 2] } } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.reference.default.p[1] is out of order (expected an ascending array of finite numbers)]`,
    );
  });

  it('rejects facts that are not an object and an asOf that is not an instant', () => {
    expect(() => scoreHealth(model, [1], { asOf })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: facts has the wrong type (expected an object; received array)]`,
    );
    expect(() =>
      scoreHealth(model, {}, { asOf: '2026-03-01' + 'T00:00' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.asOf is an ISO-8601 date-time without a UTC offset (expected a trailing Z or ±hh:mm; received string)]`,
    );
    expect(() =>
      scoreHealth(model, {}, { asOf, previous: { score: 'high' } as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: scoreHealth: options.previous.score has the wrong type (expected a finite number >= 0 and <= 100; received string)]`,
    );
  });
});

describe('describeHealthScore', () => {
  const model = defineHealthModel({
    id: 'm',
    version: 1,
    dimensions: [
      {
        id: 'usage',
        weight: 2,
        measures: [
          { id: 'logins', fact: 'logins', scale: { kind: 'linear', zeroAt: 0, fullAt: 20 } },
          {
            id: 'seen',
            fact: 'last',
            read: 'daysSince',
            scale: { kind: 'linear', zeroAt: 30, fullAt: 0 },
            missing: 'zero',
          },
        ],
      },
      {
        id: 'support',
        measures: [{ id: 'csat', fact: 'csat', scale: { kind: 'linear', zeroAt: 1, fullAt: 5 } }],
      },
    ],
  });

  it('renders the record, with or without the values', () => {
    const first = scoreHealth(
      model,
      { logins: 18, last: '2026-02-28T00:00:00Z', csat: 4 },
      { asOf },
    );
    const second = scoreHealth(
      model,
      { logins: 7, csat: 4.5 },
      {
        asOf,
        previous: first,
        overrides: [{ measure: 'csat', score: 100, expiresAt: '2026-04-01T00:00:00Z' }],
      },
    );
    expect(describeHealthScore(second)).toMatchInlineSnapshot(`
      [
        "health 45.0 (red), scorecard default, down 42.2 from 87.2",
        "  usage 17.5, 67% of the score",
        "    logins 35.0 × 33% = +11.7 (value 7)",
        "    seen 0.0 × 33% = +0.0 (missing: policy score)",
        "  support 100.0, 33% of the score",
        "    csat 100.0 × 33% = +33.3 (overridden)",
      ]
    `);
    expect(describeHealthScore(first, { showValues: false, digits: 0 })).toMatchInlineSnapshot(`
      [
        "health 87 (green), scorecard default",
        "  usage 93, 67% of the score",
        "    logins 90 × 33% = +30",
        "    seen 97 × 33% = +32",
        "  support 75, 33% of the score",
        "    csat 75 × 33% = +25",
      ]
    `);
    const overridden = scoreHealth(
      model,
      {},
      { asOf, overrides: [{ score: 30, expiresAt: '2026-04-01T00:00:00Z' }] },
    );
    expect(describeHealthScore(overridden)).toMatchInlineSnapshot(`
      [
        "health 30.0 (red), scorecard default, overridden (computed 0.0)",
        "  usage 0.0, 100% of the score",
        "    logins missing: excluded",
        "    seen 0.0 × 100% = +0.0 (missing: policy score)",
        "  support not scored: every measure missing",
        "    csat missing: excluded",
      ]
    `);
  });
});
