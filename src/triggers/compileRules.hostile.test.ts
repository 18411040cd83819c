/**
 * Rules from an admin UI are untrusted JSON. A corpus of hostile rules, and fast-check-generated
 * ones, must each end in a RetentionDefinitionError that points at the offending place, quickly,
 * without running code, touching a prototype or overflowing the stack.
 */
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { arbRules } from '../../test/helpers/triggerArbitraries';
import { RetentionDefinitionError } from '../core/errors';
import { compileRules } from './compileRules';
import type { TriggerRule } from './defineRule';

const valid = {
  id: 'r',
  version: 1,
  trigger: { kind: 'event', event: 'login' },
  actions: [{ channel: 'email', template: 't' }],
};

/** A rule as an admin UI would send it: JSON text, parsed. */
const json = (text: string): unknown => JSON.parse(text);
const withRule = (patch: Record<string, unknown>) => ({ ...valid, ...patch });

const nestedNot = (depth: number) =>
  json(`${'{"not":'.repeat(depth)}{"fact":"a","op":"exists"}${'}'.repeat(depth)}`);

const corpus: [name: string, rule: unknown, path: (string | number)[]][] = [
  [
    '__proto__ key at the top',
    json(`{"__proto__":{"polluted":true},"id":"r","version":1}`),
    ['__proto__'],
  ],
  [
    '__proto__ key deep in params',
    withRule({
      actions: [
        { channel: 'email', template: 't', params: json(`{"a":{"__proto__":{"polluted":1}}}`) },
      ],
    }),
    ['actions', 0, 'params', 'a', '__proto__'],
  ],
  [
    'constructor key in a condition',
    withRule({ conditions: json(`{"constructor":{"prototype":1}}`) }),
    ['conditions', 'constructor'],
  ],
  [
    '__proto__ in a fact path',
    withRule({ conditions: { fact: 'attributes.__proto__.polluted', op: 'exists' } }),
    ['conditions', 'fact'],
  ],
  [
    'constructor.prototype in a fact path',
    withRule({ conditions: { fact: 'constructor.prototype', op: 'exists' } }),
    ['conditions', 'fact'],
  ],
  [
    'prototype in a fact reference',
    withRule({ conditions: { fact: 'a', op: 'eq', value: { fact: 'a.prototype' } } }),
    ['conditions', 'value', 'fact'],
  ],
  [
    'prototype in a where path',
    withRule({
      trigger: { kind: 'event', event: 'x', where: { fact: 'prototype', op: 'exists' } },
    }),
    ['trigger', 'where', 'fact'],
  ],
  [
    'prototype key in dedupeBy',
    withRule({ trigger: { kind: 'event', event: 'x', dedupeBy: '__proto__' } }),
    ['trigger', 'dedupeBy'],
  ],
  [
    '__proto__ as an event type',
    withRule({ trigger: { kind: 'event', event: '__proto__' } }),
    ['trigger', 'event'],
  ],
  ['constructor as a rule id', withRule({ id: 'constructor' }), ['id']],
  [
    'constructor through $events',
    withRule({ conditions: { fact: '$events.constructor.count', op: 'gt', value: 0 } }),
    ['conditions', 'fact'],
  ],
  [
    'prototype walk in a template',
    withRule({
      actions: [{ channel: 'email', template: 't', params: { s: '{{constructor.constructor}}' } }],
    }),
    ['actions', 0, 'params', 's'],
  ],
  [
    'code in a template',
    withRule({
      actions: [{ channel: 'email', template: 't', params: { s: '{{ process.exit(1) }}' } }],
    }),
    ['actions', 0, 'params', 's'],
  ],
  [
    'code as an operator',
    withRule({ conditions: { fact: 'a', op: 'function(){}', value: 1 } }),
    ['conditions', 'op'],
  ],
  [
    'a regex operator',
    withRule({ conditions: { fact: 'a', op: 'matches', value: '(a+)+$' } }),
    ['conditions', 'op'],
  ],
  ['10,000 levels of not', withRule({ conditions: nestedNot(10_000) }), ['conditions']],
  ['40 levels of not', withRule({ conditions: nestedNot(40) }), ['conditions']],
  [
    'a million-element in list',
    withRule({
      conditions: { fact: 'a', op: 'in', value: Array.from({ length: 1_000_000 }, (_, i) => i) },
    }),
    ['conditions', 'value'],
  ],
  ['a 1 MB id', withRule({ id: 'x'.repeat(1_000_000) }), ['id']],
  [
    'a 100 kB template',
    withRule({
      actions: [{ channel: 'email', template: 't', params: { s: '{{a}}'.repeat(20_000) } }],
    }),
    ['actions', 0, 'params', 's'],
  ],
  [
    'a template with too many placeholders',
    withRule({
      actions: [{ channel: 'email', template: 't', params: { s: '{{a}}'.repeat(500) } }],
    }),
    ['actions', 0, 'params', 's'],
  ],
  [
    'a duration of 10,000 digits',
    withRule({ trigger: { kind: 'inactivity', event: 'login', for: `${'9'.repeat(10_000)}d` } }),
    ['trigger', 'for'],
  ],
  [
    'a duration of a googol days',
    withRule({ trigger: { kind: 'inactivity', event: 'login', for: `1${'0'.repeat(100)}d` } }),
    ['trigger', 'for'],
  ],
  ['a 1000-year delay', withRule({ delivery: { delay: { years: 1000 } } }), ['delivery', 'delay']],
  [
    'a huge cap window',
    withRule({ delivery: { caps: [{ max: 1, per: '99999999w' }] } }),
    ['delivery', 'caps', 0, 'per'],
  ],
  [
    'a huge window path',
    withRule({ conditions: { fact: '$events.login.within.99999999w', op: 'gt', value: 0 } }),
    ['conditions', 'fact'],
  ],
  [
    'a 5000-item threshold list',
    withRule({
      trigger: {
        kind: 'milestone',
        fact: 'a',
        thresholds: Array.from({ length: 5000 }, (_, i) => i),
      },
    }),
    ['trigger', 'thresholds'],
  ],
  [
    'infinity as a value',
    withRule({ conditions: { fact: 'a', op: 'gt', value: Number.POSITIVE_INFINITY } }),
    ['conditions', 'value'],
  ],
  [
    'a function as a value',
    withRule({ conditions: { fact: 'a', op: 'eq', value: () => 1 } }),
    ['conditions', 'value'],
  ],
  [
    'a class instance',
    withRule({
      conditions: new (class Evil {
        fact = 'a';
        op = 'exists';
      })(),
    }),
    ['conditions'],
  ],
  [
    'a Date where JSON is expected',
    withRule({ trigger: { kind: 'date', fact: 'a', offsets: [{ after: new Date() }] } }),
    ['trigger', 'offsets', 0, 'after'],
  ],
  [
    'an unknown trigger kind',
    withRule({ trigger: { kind: 'eval', code: 'x' } }),
    ['trigger', 'kind'],
  ],
  ['an extra key', withRule({ script: 'alert(1)' }), ['script']],
  ['a string instead of a rule', 'DROP TABLE rules', []],
  ['null instead of a rule', null, []],
];

describe('hostile rules', () => {
  const started = performance.now();
  afterAll(() => {
    expect(performance.now() - started, 'the whole corpus is rejected quickly').toBeLessThan(
      10_000,
    );
  });

  it.each(corpus)('%s: rejected with the path of the problem', (_name, rule, path) => {
    let error: unknown;
    try {
      compileRules([rule as TriggerRule]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    const issues = (error as RetentionDefinitionError).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.path.slice(1, path.length + 1))).toContainEqual(path);
    expect(issues.every((i) => i.path[0] === 0)).toBe(true);
    // messages never repeat what the rule said
    expect((error as Error).message).not.toMatch(/polluted|process\.exit|DROP TABLE|alert/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('cannot read the prototype chain of facts or events at evaluation time', () => {
    const rules = compileRules([
      {
        id: 'r',
        version: 1,
        trigger: { kind: 'event', event: 'toString', where: { fact: 'valueOf', op: 'exists' } },
        conditions: { fact: 'hasOwnProperty', op: 'exists' },
        actions: [{ channel: 'email', template: 't', params: { s: '{{toString | "none"}}' } }],
      },
    ]);
    const r = rules.explain(
      { customerId: 'c1', events: [{ id: 'e', customerId: 'c1', type: 'toString', at: 0 }] },
      0,
    );
    expect(r.actions).toEqual([]);
    expect(r.rules[0]!.occurrences[0]!.outcome).toBe('filtered');
  });
});

describe('generated rules', () => {
  it('arbitrary JSON never compiles into anything but a rule or a RetentionDefinitionError', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 6 }), { maxLength: 3 }), (rules) => {
        try {
          compileRules(rules as unknown as TriggerRule[]);
          return rules.length === 0;
        } catch (error) {
          return error instanceof RetentionDefinitionError && error.issues.length > 0;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a valid rule with one value replaced by arbitrary JSON compiles, or fails at that path', () => {
    /** Every path of a JSON value. */
    const pathsOf = (value: unknown, base: (string | number)[] = []): (string | number)[][] => {
      const out = [base];
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          out.push(...pathsOf(v, [...base, i]));
        });
      } else if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...base, k]));
      }
      return out;
    };
    const replace = (value: unknown, path: (string | number)[], by: unknown): unknown => {
      if (path.length === 0) return by;
      const [head, ...rest] = path;
      const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
        string | number,
        unknown
      >;
      copy[head!] = replace(copy[head!], rest, by);
      return copy;
    };
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true, ruleCaps: true }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        (rules, pick, by) => {
          const rule = JSON.parse(JSON.stringify(rules[0]));
          const paths = pathsOf(rule).filter((p) => p.length > 0);
          const path = paths[pick % paths.length]!;
          const mutated = replace(rule, path, by);
          try {
            const compiled = compileRules([mutated as TriggerRule]);
            // what compiles also evaluates
            compiled.evaluate(
              {
                customerId: 'c1',
                facts: { n: 1 },
                events: [{ id: 'e', customerId: 'c1', type: 'a', at: 0 }],
              },
              60_000,
            );
            return true;
          } catch (error) {
            if (!(error instanceof RetentionDefinitionError)) throw error;
            // the issue is at the replaced value or inside it, at an enclosing object it broke,
            // or at a sibling in the same array when a rule relates the items (thresholds in order)
            return error.issues.some((i) => {
              const p = i.path.slice(1);
              const n = Math.min(p.length, path.length);
              return p.slice(0, n).every((s, k) => {
                if (s === path[k]) return true;
                const sibling = k === path.length - 1 && typeof s === 'number';
                return sibling && typeof path[k] === 'number' && i.code === 'order';
              });
            });
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('valid generated rules evaluate on arbitrary facts without throwing', () => {
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true, ruleCaps: true, optOut: true }),
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        (rules, facts) => {
          const compiled = compileRules(rules);
          delete (facts as Record<string, unknown>).$events;
          const r = compiled.evaluate(
            { customerId: 'c1', facts: facts as Record<string, never> },
            Date.UTC(2026, 0, 1),
          );
          expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
        },
      ),
      { numRuns: 200 },
    );
  });
});
