import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  type ConditionOperator,
  compileCondition,
  validateCondition,
} from './condition';

const NOW = Date.UTC(2026, 5, 1);
const paths = ['a', 'b', 'c.d', 'e.f.g', 'list'];
const primitive = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('x', 'y', 'z'),
  fc.boolean(),
  fc.constant(null),
);

/** Valid conditions over a small vocabulary, so that random facts often match. */
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constantFrom<ConditionOperator>('eq', 'neq'),
      value: primitive,
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constantFrom<ConditionOperator>('lt', 'lte', 'gt', 'gte'),
      value: fc.integer({ min: -5, max: 5 }),
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constantFrom<ConditionOperator>('in', 'notIn'),
      value: fc.array(primitive, { maxLength: 12 }),
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constant<ConditionOperator>('contains'),
      value: primitive,
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constant<ConditionOperator>('exists'),
      value: fc.boolean(),
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constantFrom<ConditionOperator>('withinLast', 'olderThan', 'withinNext'),
      value: fc.constantFrom('1d', '7d', '3h'),
    }),
    fc.record({
      fact: fc.constantFrom(...paths),
      op: fc.constantFrom<ConditionOperator>('lt', 'gt'),
      value: fc.record({ fact: fc.constantFrom(...paths) }),
    }),
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const value = fc.oneof(
  primitive,
  fc.integer({ min: NOW - 10 * 86_400_000, max: NOW + 10 * 86_400_000 }),
  fc.array(primitive, { maxLength: 3 }),
);
const facts = fc.record(
  {
    a: value,
    b: value,
    c: fc.record({ d: value }, { requiredKeys: [] }),
    e: fc.record({ f: fc.record({ g: value }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    list: fc.array(primitive, { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

/** A direct, slow interpreter: the reference the compiled evaluator must equal. */
function reference(c: Condition, f: unknown): boolean {
  if ('all' in c) return c.all.every((x) => reference(x, f));
  if ('any' in c) return c.any.some((x) => reference(x, f));
  if ('not' in c) return !reference(c.not, f);
  const get = (path: string) =>
    path
      .split('.')
      .reduce<unknown>(
        (v, k) =>
          v !== null && typeof v === 'object' && Object.hasOwn(v, k)
            ? (v as Record<string, unknown>)[k]
            : undefined,
        f,
      );
  const actual = get(c.fact);
  const ref =
    typeof c.value === 'object' && c.value !== null && !Array.isArray(c.value)
      ? get((c.value as { fact: string }).fact)
      : c.value;
  if (c.op === 'exists')
    return (actual !== undefined && actual !== null) === ((c.value as boolean | undefined) ?? true);
  if (actual === undefined || ref === undefined) return c.op === 'neq' || c.op === 'notIn';
  const ms = (d: unknown) =>
    ({ '1d': 86_400_000, '7d': 7 * 86_400_000, '3h': 3 * 3_600_000 })[d as '1d'];
  switch (c.op) {
    case 'eq':
      return actual === ref;
    case 'neq':
      return actual !== ref;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (
        !(
          (typeof actual === 'number' && typeof ref === 'number') ||
          (typeof actual === 'string' && typeof ref === 'string')
        )
      )
        return false;
      const a = actual as number;
      const b = ref as number;
      return c.op === 'lt' ? a < b : c.op === 'lte' ? a <= b : c.op === 'gt' ? a > b : a >= b;
    }
    case 'in':
      return (ref as unknown[]).includes(actual);
    case 'notIn':
      return !(ref as unknown[]).includes(actual);
    case 'contains':
      return typeof actual === 'string'
        ? typeof ref === 'string' && actual.includes(ref)
        : Array.isArray(actual) && actual.includes(ref);
    case 'withinLast':
      return typeof actual === 'number' && actual >= NOW - ms(ref) && actual <= NOW;
    case 'olderThan':
      return typeof actual === 'number' && actual < NOW - ms(ref);
    case 'withinNext':
      return typeof actual === 'number' && actual >= NOW && actual <= NOW + ms(ref);
    default:
      throw new Error(`no reference for ${c.op}`);
  }
}

describe('condition properties', () => {
  it('the compiled evaluator equals a direct interpreter', () => {
    fc.assert(
      fc.property(condition, facts, (c, f) => {
        expect(compileCondition(c).evaluate(f, NOW)).toBe(reference(c, f));
      }),
      { numRuns: 2000 },
    );
  });

  it('explain agrees with evaluate, and a JSON round trip changes nothing', () => {
    fc.assert(
      fc.property(condition, facts, (c, f) => {
        const compiled = compileCondition(c);
        expect(compiled.explain(f, NOW).passed).toBe(compiled.evaluate(f, NOW));
        expect(compileCondition(JSON.parse(JSON.stringify(c))).evaluate(f, NOW)).toBe(
          compiled.evaluate(f, NOW),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('obeys De Morgan and double negation', () => {
    fc.assert(
      fc.property(condition, condition, facts, (a, b, f) => {
        const ev = (c: Condition) => compileCondition(c).evaluate(f, NOW);
        expect(ev({ not: { all: [a, b] } })).toBe(ev({ any: [{ not: a }, { not: b }] }));
        expect(ev({ not: { not: a } })).toBe(ev(a));
      }),
      { numRuns: 300 },
    );
  });

  it('validates any JSON without throwing or touching the prototype', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const issues = validateCondition(json);
        expect(Array.isArray(issues)).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('never mutates the condition or the facts', () => {
    fc.assert(
      fc.property(condition, facts, (c, f) => {
        const before = JSON.stringify([c, f]);
        compileCondition(c).explain(f, NOW);
        expect(JSON.stringify([c, f])).toBe(before);
      }),
      { numRuns: 200 },
    );
  });
});
