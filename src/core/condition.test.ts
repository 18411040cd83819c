import { describe, expect, it } from 'vitest';
import {
  type Condition,
  checkFactPath,
  compileCondition,
  conditionFacts,
  conditionSchema,
  describeConditionTrace,
  readFact,
  validateCondition,
} from './condition';
import { RetentionDefinitionError } from './errors';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const facts = {
  plan: 'business',
  ltv: 250_000,
  seats: 12,
  seatsUsed: 4,
  tags: ['vip', 'eu'],
  email: 'alice@example.com',
  lastLoginAt: NOW - 25 * DAY,
  renewsAt: NOW + 5 * DAY,
  signedUpAt: '2026-01-10T09:00:00Z',
  nothing: null,
  attributes: { country: 'DE', nested: { deep: 1 } },
};
const run = (c: Condition, f: unknown = facts) => compileCondition(c).evaluate(f, NOW);

describe('operators', () => {
  it.each<[Condition, boolean]>([
    [{ fact: 'plan', op: 'eq', value: 'business' }, true],
    [{ fact: 'plan', op: 'neq', value: 'business' }, false],
    [{ fact: 'ltv', op: 'gt', value: 100_000 }, true],
    [{ fact: 'ltv', op: 'gte', value: 250_000 }, true],
    [{ fact: 'ltv', op: 'lt', value: 250_000 }, false],
    [{ fact: 'ltv', op: 'lte', value: 250_000 }, true],
    [{ fact: 'seats', op: 'between', value: [10, 12] }, true],
    [{ fact: 'seats', op: 'between', value: [13, 20] }, false],
    [{ fact: 'plan', op: 'in', value: ['team', 'business'] }, true],
    [{ fact: 'plan', op: 'notIn', value: ['team', 'business'] }, false],
    [
      { fact: 'plan', op: 'in', value: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'business'] },
      true,
    ],
    [{ fact: 'tags', op: 'contains', value: 'vip' }, true],
    [{ fact: 'email', op: 'contains', value: '@example' }, true],
    [{ fact: 'email', op: 'endsWith', value: '.com' }, true],
    [{ fact: 'email', op: 'startsWith', value: 'bob' }, false],
    [{ fact: 'plan', op: 'exists' }, true],
    [{ fact: 'nothing', op: 'exists' }, false],
    [{ fact: 'nothing', op: 'exists', value: false }, true],
    [{ fact: 'missing', op: 'exists', value: false }, true],
    [{ fact: 'nothing', op: 'eq', value: null }, true],
    [{ fact: 'lastLoginAt', op: 'olderThan', value: '21d' }, true],
    [{ fact: 'lastLoginAt', op: 'withinLast', value: '21d' }, false],
    [{ fact: 'lastLoginAt', op: 'withinLast', value: '4w' }, true],
    [{ fact: 'renewsAt', op: 'withinNext', value: '7d' }, true],
    [{ fact: 'signedUpAt', op: 'before', value: '2026-02-01T00:00:00Z' }, true],
    [{ fact: 'signedUpAt', op: 'after', value: { fact: 'lastLoginAt' } }, false],
    [{ fact: 'seatsUsed', op: 'lt', value: { fact: 'seats' } }, true],
    [{ fact: 'attributes.country', op: 'eq', value: 'DE' }, true],
    [{ fact: 'attributes.nested.deep', op: 'eq', value: 1 }, true],
    [{ fact: 'tags.0', op: 'eq', value: 'vip' }, true],
  ])('%j is %s', (condition, expected) => {
    expect(run(condition)).toBe(expected);
  });

  it('treats a missing fact as false, except for exists:false, neq and notIn', () => {
    const ops: Condition[] = [
      { fact: 'missing', op: 'eq', value: 1 },
      { fact: 'missing', op: 'gt', value: 1 },
      { fact: 'missing', op: 'in', value: [1] },
      { fact: 'missing', op: 'contains', value: 'x' },
      { fact: 'missing', op: 'withinLast', value: '1d' },
      { fact: 'missing', op: 'olderThan', value: '1d' },
      { fact: 'seats', op: 'lt', value: { fact: 'missing' } },
    ];
    for (const c of ops) expect(run(c)).toBe(false);
    expect(run({ fact: 'missing', op: 'neq', value: 1 })).toBe(true);
    expect(run({ fact: 'missing', op: 'notIn', value: [1] })).toBe(true);
  });

  it('compares mismatched types as false, never throwing', () => {
    expect(run({ fact: 'plan', op: 'gt', value: 3 })).toBe(false);
    expect(run({ fact: 'ltv', op: 'contains', value: 'x' })).toBe(false);
    expect(run({ fact: 'plan', op: 'before', value: '2026-01-01' })).toBe(false);
    expect(run({ fact: 'plan', op: 'between', value: [1, 2] })).toBe(false);
  });

  it('combines with all / any / not', () => {
    expect(run({ all: [] })).toBe(true);
    expect(run({ any: [] })).toBe(false);
    expect(run({ not: { fact: 'plan', op: 'eq', value: 'team' } })).toBe(true);
    const vip: Condition = {
      all: [
        { fact: 'ltv', op: 'gte', value: 100_000 },
        {
          any: [
            { fact: 'lastLoginAt', op: 'olderThan', value: '21d' },
            { fact: 'missing', op: 'exists' },
          ],
        },
      ],
    };
    expect(run(vip)).toBe(true);
    expect(run(vip, { ...facts, ltv: 10 })).toBe(false);
  });
});

describe('explain', () => {
  it('records each node as data and renders it separately', () => {
    const c = compileCondition({
      all: [
        { fact: 'plan', op: 'eq', value: 'business' },
        { fact: 'missing', op: 'gt', value: 1 },
        { fact: 'plan', op: 'gt', value: 1 },
      ],
    });
    const trace = c.explain(facts, NOW);
    expect(trace.passed).toBe(false);
    expect(trace.children?.map((t) => [t.path, t.passed, t.reason])).toEqual([
      [['all', 0], true, undefined],
      [['all', 1], false, 'missing_fact'],
      [['all', 2], false, 'type_mismatch'],
    ]);
    expect(describeConditionTrace(trace)).toMatchInlineSnapshot(`
      [
        "✗ all",
        "  ✓ plan eq "business" (actual "business")",
        "  ✗ missing gt 1 (fact missing)",
        "  ✗ plan gt 1 (type mismatch: actual "business")",
      ]
    `);
    expect(describeConditionTrace(trace, { showValues: false }).join('\n')).not.toContain(
      '"business")',
    );
  });

  it('lists the facts a condition reads', () => {
    const c: Condition = {
      any: [
        { fact: 'a.b', op: 'exists' },
        { fact: 'c', op: 'lt', value: { fact: 'd' } },
      ],
    };
    expect(conditionFacts(c)).toEqual(['a.b', 'c', 'd']);
    expect(compileCondition(c).facts).toEqual(['a.b', 'c', 'd']);
    expect(compileCondition(c).usesNow).toBe(false);
    expect(compileCondition({ fact: 'x', op: 'withinLast', value: '1d' }).usesNow).toBe(true);
  });
});

describe('untrusted conditions', () => {
  const hostile: [string, unknown][] = [
    ['a prototype path', { fact: '__proto__.polluted', op: 'eq', value: 1 }],
    ['a constructor path', { fact: 'constructor.prototype', op: 'exists' }],
    ['a prototype segment', { fact: 'a.prototype.b', op: 'exists' }],
    ['a __proto__ key', JSON.parse('{"fact":"a","op":"eq","value":1,"__proto__":{"x":1}}')],
    ['an unknown operator', { fact: 'a', op: 'matches', value: '(a+)+$' }],
    ['a regular expression value', { fact: 'a', op: 'eq', value: /x/ }],
    ['a function value', { fact: 'a', op: 'eq', value: () => 1 }],
    ['code in a path', { fact: 'a;process.exit()', op: 'exists' }],
    ['a bracket path', { fact: 'a["b"]', op: 'exists' }],
    ['an empty path', { fact: '', op: 'exists' }],
    [
      'a path of 17 segments',
      { fact: Array.from({ length: 17 }, () => 'a').join('.'), op: 'exists' },
    ],
    ['a huge list', { fact: 'a', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) }],
    ['a huge string', { fact: 'a', op: 'eq', value: 'x'.repeat(1001) }],
    [
      'deep nesting',
      Array.from({ length: 40 }).reduce<unknown>((c) => ({ not: c }), { fact: 'a', op: 'exists' }),
    ],
    ['too many nodes', { any: Array.from({ length: 1001 }, () => ({ fact: 'a', op: 'exists' })) }],
    ['NaN', { fact: 'a', op: 'lt', value: Number.NaN }],
    ['Infinity', { fact: 'a', op: 'gt', value: Number.POSITIVE_INFINITY }],
    ['a calendar duration', { fact: 'a', op: 'withinLast', value: { months: 1 } }],
    ['an array at the top', [{ fact: 'a', op: 'exists' }]],
    ['a string', 'true'],
    ['null', null],
    ['a class instance', new Date()],
    ['a between with min > max', { fact: 'a', op: 'between', value: [5, 1] }],
    ['mixed combinators', { all: [], any: [] }],
    ['an extra key', { fact: 'a', op: 'exists', orElse: 'x' }],
  ];

  it.each(hostile)('rejects %s with a definition error and a path', (_label, input) => {
    expect(validateCondition(input).length).toBeGreaterThan(0);
    let error: unknown;
    try {
      compileCondition(input as Condition);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    expect((error as RetentionDefinitionError).issues[0]?.path).toBeDefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the exact path of a nested problem', () => {
    expect(() =>
      compileCondition({
        all: [
          { fact: 'plan', op: 'eq', value: 'a' },
          { not: { fact: 'x', op: 'matches' as never, value: 1 } },
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: compileCondition: definition.all[1].not.op is not one of the allowed values (expected one of eq, neq, lt, lte, gt, gte, between, in, notIn, contains, startsWith, endsWith, exists, before, after, withinLast, olderThan, withinNext; received string)]`,
    );
  });

  it('never reads the prototype chain of the facts', () => {
    const c = compileCondition({ fact: 'toString', op: 'exists' });
    expect(c.evaluate({}, NOW)).toBe(false);
    expect(readFact({}, 'constructor')).toBeUndefined();
    expect(readFact(Object.create({ inherited: 1 }), 'inherited')).toBeUndefined();
    expect(checkFactPath('a.__proto__')?.code).toBe('forbidden_key');
  });

  it('embeds in zod definitions with paths', () => {
    const r = conditionSchema().safeParse({ all: [{ fact: 'a', op: 'nope' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['all', 0, 'op']);
  });
});
