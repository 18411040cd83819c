import * as z from 'zod';
import { parseDuration } from './duration';
import {
  describeType,
  type IssuePath,
  RetentionDefinitionError,
  type RetentionIssue,
} from './errors';
import { isInstantInput, toInstant } from './instant';
import { lazy } from './lazy';
import { addIssues, type JsonValue } from './validate';

/**
 * A comparison operator of the condition language.
 *
 * | op | true when the fact... | value |
 * |---|---|---|
 * | `eq` / `neq` | equals / does not equal the value (strict, primitives only) | primitive or fact ref |
 * | `lt` `lte` `gt` `gte` | compares so (both numbers, or both strings) | number, string or fact ref |
 * | `between` | lies in `[min, max]`, both ends inclusive | `[min, max]` numbers |
 * | `in` / `notIn` | is / is not one of the values | array of primitives |
 * | `contains` | (a string) contains the substring, or (an array) holds the element | primitive |
 * | `startsWith` / `endsWith` | is a string that starts / ends with the value | string |
 * | `exists` | is present and not `null` (`value: false` inverts) | boolean, default `true` |
 * | `before` / `after` | is an instant before / after the value | instant or fact ref |
 * | `withinLast` | is an instant in `[now - d, now]` | duration |
 * | `olderThan` | is an instant before `now - d` | duration |
 * | `withinNext` | is an instant in `[now, now + d]` | duration |
 *
 * A missing fact (absent or `undefined`) makes every operator false except `exists: false`,
 * `neq` and `notIn`, which are the negations of operators that are false. Values of the wrong type
 * make the comparison false; they never throw.
 *
 * @category core
 */
export type ConditionOperator =
  | 'eq'
  | 'neq'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'between'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'exists'
  | 'before'
  | 'after'
  | 'withinLast'
  | 'olderThan'
  | 'withinNext';

const OPERATORS: readonly ConditionOperator[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'endsWith',
  'exists',
  'before',
  'after',
  'withinLast',
  'olderThan',
  'withinNext',
];

/**
 * A reference to another fact, to compare two facts: `{ fact: 'usage.seatsUsed', op: 'lt',
 * value: { fact: 'plan.seats' } }`.
 *
 * @category core
 */
export interface FactRef {
  readonly fact: string;
}

/**
 * A primitive JSON value.
 *
 * @category core
 */
export type Primitive = string | number | boolean | null;

/**
 * A test of one fact: `{ fact: 'attributes.plan', op: 'eq', value: 'business' }`. `fact` is a
 * dot-separated path into the facts object (`'attributes.plan'`, `'orders.0.total'`).
 *
 * @category core
 */
export interface FactCondition {
  readonly fact: string;
  readonly op: ConditionOperator;
  readonly value?: Primitive | FactRef | readonly Primitive[];
}

/**
 * A condition: a fact test, or `all` / `any` / `not` of conditions. Plain JSON, so it can be
 * stored, diffed and edited in an admin UI. `{ all: [] }` is always true and `{ any: [] }` always
 * false.
 *
 * @example
 * const highValueBusiness: Condition = {
 *   all: [
 *     { fact: 'attributes.plan', op: 'eq', value: 'business' },
 *     { fact: 'ltv', op: 'gt', value: 100_000 },
 *   ],
 * };
 *
 * @category core
 */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | FactCondition;

/**
 * Safety limits applied when compiling a condition from untrusted JSON.
 *
 * @category core
 */
export interface ConditionLimits {
  /** Largest number of nodes (tests and combinators). @defaultValue `1000` */
  readonly maxNodes?: number;
  /** Deepest nesting of `all` / `any` / `not`. @defaultValue `32` */
  readonly maxDepth?: number;
  /** Longest list in `in` / `notIn`. @defaultValue `1000` */
  readonly maxListLength?: number;
  /** Longest string value or fact path. @defaultValue `1000` */
  readonly maxStringLength?: number;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const SEGMENT_RE = /^[A-Za-z0-9_$-]+$/;
const MAX_PATH_SEGMENTS = 16;

/**
 * Checks a fact path: dot-separated segments of letters, digits, `_`, `$` and `-`, at most 16,
 * none of them `__proto__`, `constructor` or `prototype`.
 *
 * @param path - The candidate path, e.g. `'attributes.plan'`.
 * @returns `null` when valid, otherwise the issue (with an empty path).
 *
 * @example
 * checkFactPath('attributes.__proto__.polluted')?.code
 * //=> 'forbidden_key'
 *
 * @category core
 */
export function checkFactPath(path: unknown): RetentionIssue | null {
  if (typeof path !== 'string' || path.length === 0 || path.length > 256) {
    return {
      code: 'invalid_value',
      path: [],
      expected: 'a dot-separated fact path of at most 256 characters',
      received: describeType(path),
    };
  }
  const segments = path.split('.');
  if (segments.length > MAX_PATH_SEGMENTS) {
    return { code: 'too_deep', path: [], expected: `at most ${MAX_PATH_SEGMENTS} segments` };
  }
  for (const s of segments) {
    if (FORBIDDEN_SEGMENTS.has(s))
      return {
        code: 'forbidden_key',
        path: [],
        detail: `the path may not use ${JSON.stringify(s)}`,
      };
    if (!SEGMENT_RE.test(s)) {
      return {
        code: 'invalid_value',
        path: [],
        expected: 'segments of letters, digits, _, $ and -',
      };
    }
  }
  return null;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Reads a fact by a pre-split path, through own properties only (never the prototype chain).
 * Exported for modules that compile their own fact readers (triggers' windows and templates,
 * health measures), not from the package.
 *
 * @internal
 */
export function makeGetter(path: string): (facts: unknown) => unknown {
  const segments = path.split('.');
  const step = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null && hasOwn.call(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  if (segments.length === 1) {
    const [a] = segments as [string];
    return (f) => step(f, a);
  }
  if (segments.length === 2) {
    const [a, b] = segments as [string, string];
    return (f) => step(step(f, a), b);
  }
  if (segments.length === 3) {
    const [a, b, c] = segments as [string, string, string];
    return (f) => step(step(step(f, a), b), c);
  }
  return (f) => {
    let v = f;
    for (const s of segments) {
      v = step(v, s);
      if (v === undefined) return undefined;
    }
    return v;
  };
}

/**
 * Reads a value from a facts object by a dot-separated path, through own properties only (never
 * the prototype chain).
 *
 * @param facts - The facts object.
 * @param path - A fact path.
 * @returns The value, or `undefined` when any segment is missing.
 *
 * @example
 * readFact({ attributes: { plan: 'team' } }, 'attributes.plan')
 * //=> 'team'
 *
 * @category core
 */
export function readFact(facts: unknown, path: string): unknown {
  if (checkFactPath(path) !== null) return undefined;
  return makeGetter(path)(facts);
}

function isFactRef(value: unknown): value is FactRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as FactRef).fact === 'string'
  );
}

function isPrimitive(value: unknown): value is Primitive {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

interface ValidationState {
  nodes: number;
  readonly issues: RetentionIssue[];
  readonly limits: Required<ConditionLimits>;
}

function validateValue(c: Record<string, unknown>, path: IssuePath, st: ValidationState): void {
  const op = c.op as ConditionOperator;
  const value = c.value;
  const at = [...path, 'value'];
  const push = (issue: Omit<RetentionIssue, 'path'>, p: IssuePath = at) =>
    st.issues.push({ ...issue, path: p });
  const checkString = (s: unknown, p: IssuePath) => {
    if (typeof s === 'string' && s.length > st.limits.maxStringLength) {
      push({ code: 'too_big', expected: `at most ${st.limits.maxStringLength} characters` }, p);
    }
  };
  const checkRef = (ref: FactRef) => {
    const problem = checkFactPath(ref.fact);
    if (problem !== null) push(problem, [...at, 'fact']);
  };
  switch (op) {
    case 'eq':
    case 'neq':
      if (isFactRef(value)) checkRef(value);
      else if (!isPrimitive(value))
        push({
          code: 'invalid_type',
          expected: 'a string, finite number, boolean, null or { fact }',
          received: describeType(value),
        });
      else checkString(value, at);
      return;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (isFactRef(value)) checkRef(value);
      else if (
        !((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string')
      ) {
        push({
          code: 'invalid_type',
          expected: 'a finite number, a string or { fact }',
          received: describeType(value),
        });
      } else checkString(value, at);
      return;
    case 'between':
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !value.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
        (value[0] as number) > (value[1] as number)
      ) {
        push({ code: 'invalid_value', expected: '[min, max], two finite numbers with min <= max' });
      }
      return;
    case 'in':
    case 'notIn':
      if (!Array.isArray(value)) {
        push({
          code: 'invalid_type',
          expected: 'an array of primitives',
          received: describeType(value),
        });
        return;
      }
      if (value.length > st.limits.maxListLength) {
        push({ code: 'too_big', expected: `at most ${st.limits.maxListLength} values` });
        return;
      }
      value.forEach((v, i) => {
        if (!isPrimitive(v))
          push({ code: 'invalid_type', expected: 'a primitive', received: describeType(v) }, [
            ...at,
            i,
          ]);
        else checkString(v, [...at, i]);
      });
      return;
    case 'contains':
      if (!isPrimitive(value))
        push({ code: 'invalid_type', expected: 'a primitive', received: describeType(value) });
      else checkString(value, at);
      return;
    case 'startsWith':
    case 'endsWith':
      if (typeof value !== 'string')
        push({ code: 'invalid_type', expected: 'a string', received: describeType(value) });
      else checkString(value, at);
      return;
    case 'exists':
      if (value !== undefined && typeof value !== 'boolean') {
        push({ code: 'invalid_type', expected: 'a boolean', received: describeType(value) });
      }
      return;
    case 'before':
    case 'after':
      if (isFactRef(value)) checkRef(value);
      else if (
        !(typeof value === 'string' || typeof value === 'number') ||
        !isInstantInput(value)
      ) {
        push({
          code: 'invalid_instant',
          expected: 'an ISO-8601 instant with offset, epoch milliseconds, or { fact }',
          received: describeType(value),
        });
      }
      return;
    case 'withinLast':
    case 'olderThan':
    case 'withinNext':
      try {
        const d = parseDuration(value as string);
        if (d.kind !== 'fixed') throw new Error('calendar');
      } catch {
        push({
          code: 'invalid_duration',
          expected: "a fixed duration such as '21d' or '3h'",
          received: describeType(value),
        });
      }
      return;
  }
}

function validateNode(node: unknown, path: IssuePath, depth: number, st: ValidationState): void {
  if (++st.nodes > st.limits.maxNodes) {
    if (st.nodes === st.limits.maxNodes + 1)
      st.issues.push({ code: 'too_big', path, expected: `at most ${st.limits.maxNodes} nodes` });
    return;
  }
  if (depth > st.limits.maxDepth) {
    st.issues.push({ code: 'too_deep', path, expected: `at most ${st.limits.maxDepth} levels` });
    return;
  }
  const proto = typeof node === 'object' && node !== null ? Object.getPrototypeOf(node) : undefined;
  if (
    typeof node !== 'object' ||
    node === null ||
    Array.isArray(node) ||
    (proto !== Object.prototype && proto !== null)
  ) {
    st.issues.push({
      code: 'invalid_type',
      path,
      expected: 'a condition object ({ all }, { any }, { not } or { fact, op, value })',
      received: describeType(node),
    });
    return;
  }
  const c = node as Record<string, unknown>;
  const keys = Object.keys(c);
  for (const key of keys) {
    if (FORBIDDEN_SEGMENTS.has(key))
      st.issues.push({ code: 'forbidden_key', path: [...path, key] });
  }
  const own = (key: string) => Object.hasOwn(c, key);
  if (own('all') || own('any')) {
    const kind = own('all') ? 'all' : 'any';
    for (const key of keys)
      if (key !== kind && !FORBIDDEN_SEGMENTS.has(key))
        st.issues.push({ code: 'unknown_key', path: [...path, key] });
    const list = c[kind];
    if (!Array.isArray(list)) {
      st.issues.push({
        code: 'invalid_type',
        path: [...path, kind],
        expected: 'an array of conditions',
        received: describeType(list),
      });
      return;
    }
    list.forEach((child, i) => {
      validateNode(child, [...path, kind, i], depth + 1, st);
    });
    return;
  }
  if (own('not')) {
    for (const key of keys)
      if (key !== 'not' && !FORBIDDEN_SEGMENTS.has(key))
        st.issues.push({ code: 'unknown_key', path: [...path, key] });
    validateNode(c.not, [...path, 'not'], depth + 1, st);
    return;
  }
  if (!own('fact') || !own('op')) {
    st.issues.push({
      code: 'invalid_type',
      path,
      expected: '{ all }, { any }, { not } or { fact, op, value }',
    });
    return;
  }
  for (const key of keys) {
    if (key !== 'fact' && key !== 'op' && key !== 'value' && !FORBIDDEN_SEGMENTS.has(key)) {
      st.issues.push({ code: 'unknown_key', path: [...path, key] });
    }
  }
  const factProblem = checkFactPath(c.fact);
  if (factProblem !== null) st.issues.push({ ...factProblem, path: [...path, 'fact'] });
  if (typeof c.op !== 'string' || !(OPERATORS as readonly string[]).includes(c.op)) {
    st.issues.push({
      code: 'invalid_enum',
      path: [...path, 'op'],
      expected: `one of ${OPERATORS.join(', ')}`,
      received: describeType(c.op),
    });
    return;
  }
  validateValue(c, path, st);
}

function resolveLimits(limits: ConditionLimits): Required<ConditionLimits> {
  return {
    maxNodes: limits.maxNodes ?? 1000,
    maxDepth: limits.maxDepth ?? 32,
    maxListLength: limits.maxListLength ?? 1000,
    maxStringLength: limits.maxStringLength ?? 1000,
  };
}

/**
 * Validates a condition without compiling it, returning every issue with its path inside the
 * condition. Safe on untrusted JSON: it never reads the prototype chain and stops at the limits.
 *
 * @param condition - The candidate condition (any JSON).
 * @param limits - See {@link ConditionLimits}.
 * @returns The issues; empty when the condition is valid.
 *
 * @example
 * validateCondition({ all: [{ fact: 'plan', op: 'matches', value: '.*' }] }).map((i) => [i.code, i.path])
 * //=> [['invalid_enum', ['all', 0, 'op']]]
 *
 * @category core
 */
export function validateCondition(
  condition: unknown,
  limits: ConditionLimits = {},
): RetentionIssue[] {
  const st: ValidationState = { nodes: 0, issues: [], limits: resolveLimits(limits) };
  validateNode(condition, [], 0, st);
  return st.issues;
}

/**
 * One step of a condition's evaluation, as a record; {@link describeConditionTrace} renders it.
 *
 * @category core
 */
export interface ConditionTrace {
  /** Path of this node inside the condition definition. */
  readonly path: IssuePath;
  /** What kind of node it is. */
  readonly kind: 'all' | 'any' | 'not' | 'fact';
  /** Whether the node passed. */
  readonly passed: boolean;
  /** For fact tests: the fact path. */
  readonly fact?: string;
  /** For fact tests: the operator. */
  readonly op?: ConditionOperator;
  /** For fact tests: the value as the condition states it (`'21d'`), or a fact reference's value. */
  readonly expected?: unknown;
  /** For fact tests: the fact's value. It is the caller's own data, returned to the caller. */
  readonly actual?: unknown;
  /** Why a fact test failed when it was not a plain comparison. */
  readonly reason?: 'missing_fact' | 'type_mismatch';
  /** For combinators: the children's traces. */
  readonly children?: readonly ConditionTrace[];
}

/**
 * A compiled condition: validated once, evaluated many times.
 *
 * @category core
 */
export interface CompiledCondition {
  /** The condition it was compiled from. */
  readonly source: Condition;
  /** Every fact path the condition reads (including fact references), sorted. */
  readonly facts: readonly string[];
  /** Whether any operator depends on `now` (`withinLast`, `olderThan`, `withinNext`). */
  readonly usesNow: boolean;
  /** Evaluates the condition against facts at an instant. Pure and synchronous. */
  evaluate(facts: unknown, now: number): boolean;
  /** Evaluates every node (no short-circuit) and returns the trace. */
  explain(facts: unknown, now: number): ConditionTrace;
}

type Test = (facts: unknown, now: number) => boolean;
type Explain = (facts: unknown, now: number) => ConditionTrace;

function asInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof value === 'string' && isInstantInput(value)) return toInstant(value);
  return undefined;
}

type Comparator = (actual: unknown, expected: unknown, now: number) => boolean | 'type_mismatch';

/* @__NO_SIDE_EFFECTS__ */
function ordered(cmp: (a: number | string, b: number | string) => boolean): Comparator {
  return (a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return cmp(a, b);
    if (typeof a === 'string' && typeof b === 'string') return cmp(a, b);
    return 'type_mismatch';
  };
}

const comparators: Record<ConditionOperator, Comparator> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  lt: /* @__PURE__ */ ordered((a, b) => a < b),
  lte: /* @__PURE__ */ ordered((a, b) => a <= b),
  gt: /* @__PURE__ */ ordered((a, b) => a > b),
  gte: /* @__PURE__ */ ordered((a, b) => a >= b),
  between: (a, b) => {
    if (typeof a !== 'number') return 'type_mismatch';
    const [lo, hi] = b as [number, number];
    return a >= lo && a <= hi;
  },
  in: (a, b) => (b as readonly unknown[]).includes(a),
  notIn: (a, b) => !(b as readonly unknown[]).includes(a),
  contains: (a, b) => {
    if (typeof a === 'string') return typeof b === 'string' ? a.includes(b) : 'type_mismatch';
    if (Array.isArray(a)) return a.includes(b);
    return 'type_mismatch';
  },
  startsWith: (a, b) => (typeof a === 'string' ? a.startsWith(b as string) : 'type_mismatch'),
  endsWith: (a, b) => (typeof a === 'string' ? a.endsWith(b as string) : 'type_mismatch'),
  exists: (a, b) => (a !== undefined && a !== null) === (b ?? true),
  before: (a, b) => {
    const x = asInstant(a);
    const y = asInstant(b);
    return x === undefined || y === undefined ? 'type_mismatch' : x < y;
  },
  after: (a, b) => {
    const x = asInstant(a);
    const y = asInstant(b);
    return x === undefined || y === undefined ? 'type_mismatch' : x > y;
  },
  withinLast: (a, b, now) => {
    const x = asInstant(a);
    return x === undefined ? 'type_mismatch' : x >= now - (b as number) && x <= now;
  },
  olderThan: (a, b, now) => {
    const x = asInstant(a);
    return x === undefined ? 'type_mismatch' : x < now - (b as number);
  },
  withinNext: (a, b, now) => {
    const x = asInstant(a);
    return x === undefined ? 'type_mismatch' : x >= now && x <= now + (b as number);
  },
};

/** Operators that are true when the fact is missing (negations of operators that are false). */
const TRUE_WHEN_MISSING = new Set<ConditionOperator>(['neq', 'notIn']);
const NOW_OPERATORS = new Set<ConditionOperator>(['withinLast', 'olderThan', 'withinNext']);

interface Built {
  readonly test: Test;
  readonly explain: Explain;
}

/** Makes the reader of a fact path: {@link makeGetter}, or a module's own (see {@link compileConditionReading}). @internal */
export type Reader = (path: string) => (root: unknown) => unknown;

function build(
  node: Condition,
  path: IssuePath,
  facts: Set<string>,
  flags: { usesNow: boolean },
  read: Reader,
): Built {
  if ('all' in node || 'any' in node) {
    const kind = 'all' in node ? 'all' : 'any';
    const list = 'all' in node ? node.all : node.any;
    const children = list.map((c, i) => build(c, [...path, kind, i], facts, flags, read));
    const tests = children.map((c) => c.test);
    let test: Test;
    if (kind === 'all') {
      test =
        tests.length === 1
          ? tests[0]!
          : tests.length === 2
            ? (
                (a, b) => (f, n) =>
                  a(f, n) && b(f, n)
              )(tests[0]!, tests[1]!)
            : (f, n) => {
                for (const t of tests) if (!t(f, n)) return false;
                return true;
              };
    } else {
      test =
        tests.length === 1
          ? tests[0]!
          : (f, n) => {
              for (const t of tests) if (t(f, n)) return true;
              return false;
            };
    }
    return {
      test,
      explain: (f, n) => {
        const traces = children.map((c) => c.explain(f, n));
        const passed =
          kind === 'all' ? traces.every((t) => t.passed) : traces.some((t) => t.passed);
        return { path, kind, passed, children: traces };
      },
    };
  }
  if ('not' in node) {
    const inner = build(node.not, [...path, 'not'], facts, flags, read);
    return {
      test: (f, n) => !inner.test(f, n),
      explain: (f, n) => {
        const child = inner.explain(f, n);
        return { path, kind: 'not', passed: !child.passed, children: [child] };
      },
    };
  }
  const { fact, op } = node;
  facts.add(fact);
  if (NOW_OPERATORS.has(op)) flags.usesNow = true;
  const get = read(fact);
  const cmp = comparators[op];
  const missingResult = op === 'exists' ? node.value === false : TRUE_WHEN_MISSING.has(op);
  let expectedOf: (f: unknown) => unknown;
  if (isFactRef(node.value)) {
    facts.add(node.value.fact);
    const getRef = read(node.value.fact);
    expectedOf = getRef;
  } else if (op === 'withinLast' || op === 'olderThan' || op === 'withinNext') {
    const ms = (parseDuration(node.value as string) as { ms: number }).ms;
    expectedOf = () => ms;
  } else if (op === 'before' || op === 'after') {
    const t = toInstant(node.value as string | number);
    expectedOf = () => t;
  } else if (op === 'in' || op === 'notIn') {
    const list = node.value as readonly Primitive[];
    if (list.length > 8) {
      const set = new Set<unknown>(list);
      const setCmp: Comparator = op === 'in' ? (a) => set.has(a) : (a) => !set.has(a);
      return leaf(path, fact, op, get, () => list, setCmp, missingResult, false, list);
    }
    expectedOf = () => list;
  } else {
    const v = node.value;
    expectedOf = () => v;
  }
  return leaf(
    path,
    fact,
    op,
    get,
    expectedOf,
    cmp,
    missingResult,
    isFactRef(node.value),
    node.value,
  );
}

function leaf(
  path: IssuePath,
  fact: string,
  op: ConditionOperator,
  get: (f: unknown) => unknown,
  expectedOf: (f: unknown) => unknown,
  cmp: Comparator,
  missingResult: boolean,
  isRef: boolean,
  written: unknown,
): Built {
  const run = (
    f: unknown,
    n: number,
  ): {
    passed: boolean;
    actual: unknown;
    expected: unknown;
    reason?: 'missing_fact' | 'type_mismatch';
  } => {
    const actual = get(f);
    const expected = expectedOf(f);
    if (actual === undefined || (isRef && expected === undefined)) {
      return { passed: missingResult, actual, expected, reason: 'missing_fact' };
    }
    const r = cmp(actual, expected, n);
    if (r === 'type_mismatch') return { passed: false, actual, expected, reason: 'type_mismatch' };
    return { passed: r, actual, expected };
  };
  const fast: Test = isRef
    ? (f, n) => {
        const actual = get(f);
        const expected = expectedOf(f);
        if (actual === undefined || expected === undefined) return missingResult;
        return cmp(actual, expected, n) === true;
      }
    : (() => {
        const expected = expectedOf(undefined);
        return (f: unknown, n: number) => {
          const actual = get(f);
          if (actual === undefined) return missingResult;
          return cmp(actual, expected, n) === true;
        };
      })();
  return {
    test: fast,
    explain: (f, n) => {
      const r = run(f, n);
      return {
        path,
        kind: 'fact',
        passed: r.passed,
        fact,
        op,
        // a fact reference shows the value it resolved to; anything else shows what the rule says
        expected: isRef ? r.expected : written,
        actual: r.actual,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      };
    },
  };
}

/**
 * Validates and compiles a condition into a fast evaluator. Safe on untrusted JSON (from an admin
 * UI): no code is executed, paths cannot reach `__proto__`, `constructor` or `prototype`, there
 * are no regular expressions, and size and nesting are limited.
 *
 * @param condition - The condition.
 * @param limits - See {@link ConditionLimits}.
 * @returns The compiled condition.
 * @throws {RetentionDefinitionError} With every issue and its path when the condition is invalid.
 *
 * @example
 * const vip = compileCondition({ all: [
 *   { fact: 'ltv', op: 'gte', value: 100_000 },
 *   { fact: 'lastLoginAt', op: 'olderThan', value: '21d' },
 * ] });
 * vip.evaluate({ ltv: 250_000, lastLoginAt: Date.UTC(2026, 0, 1) }, Date.UTC(2026, 1, 1))
 * //=> true
 *
 * @category core
 */
export function compileCondition(
  condition: Condition,
  limits: ConditionLimits = {},
): CompiledCondition {
  return compileConditionReading(condition, makeGetter, limits);
}

/**
 * {@link compileCondition} with the fact reader a module supplies: `read(path)` returns the
 * function that reads the path's value from whatever root the module passes to `evaluate` and
 * `explain` (the triggers pass their per-evaluation state, which reads each path once, and
 * `$events` paths from the customer's history). Not exported from the package.
 *
 * @internal
 */
export function compileConditionReading(
  condition: Condition,
  read: Reader,
  limits: ConditionLimits = {},
): CompiledCondition {
  const issues = validateCondition(condition, limits);
  if (issues.length > 0) throw new RetentionDefinitionError('compileCondition', issues);
  const facts = new Set<string>();
  const flags = { usesNow: false };
  const built = build(condition, [], facts, flags, read);
  return {
    source: condition,
    facts: [...facts].sort(),
    usesNow: flags.usesNow,
    evaluate: built.test,
    explain: built.explain,
  };
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return describeType(value);
  }
}

/**
 * Renders a condition trace as indented lines of text, one per node, for logs and admin UIs.
 *
 * @param trace - A trace from {@link CompiledCondition.explain}.
 * @param options - `showValues: false` hides the facts' values (for logs that must not hold
 * personal data). @defaultValue `{ showValues: true }`
 * @returns The lines.
 *
 * @example
 * describeConditionTrace(compileCondition({ fact: 'plan', op: 'eq', value: 'business' }).explain({ plan: 'team' }, 0))
 * //=> ['✗ plan eq "business" (actual "team")']
 *
 * @category core
 */
export function describeConditionTrace(
  trace: ConditionTrace,
  options: { readonly showValues?: boolean } = {},
): string[] {
  const showValues = options.showValues ?? true;
  const lines: string[] = [];
  const walk = (t: ConditionTrace, indent: string) => {
    const mark = t.passed ? '✓' : '✗';
    if (t.kind === 'fact') {
      let line = `${indent}${mark} ${t.fact} ${t.op} ${show(t.expected)}`;
      if (t.reason === 'missing_fact') line += ' (fact missing)';
      else if (t.reason === 'type_mismatch')
        line += showValues ? ` (type mismatch: actual ${show(t.actual)})` : ' (type mismatch)';
      else if (showValues) line += ` (actual ${show(t.actual)})`;
      lines.push(line);
      return;
    }
    lines.push(`${indent}${mark} ${t.kind}`);
    for (const c of t.children ?? []) walk(c, `${indent}  `);
  };
  walk(trace, '');
  return lines;
}

/**
 * A zod schema for a condition inside a larger definition (a rule, a guard, a segment): it runs
 * {@link validateCondition} and reports each issue at its path. Built on first call.
 *
 * @returns The schema.
 *
 * @example
 * conditionSchema().safeParse({ fact: 'plan', op: 'eq', value: 'team' }).success
 * //=> true
 *
 * @category core
 */
export const conditionSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<Condition, Condition> =>
    z.unknown().superRefine((value, ctx) => {
      addIssues(ctx, validateCondition(value));
    }) as unknown as z.ZodType<Condition, Condition>,
);

/**
 * Every fact path a condition reads, without compiling it (the condition must be valid).
 *
 * @param condition - A valid condition.
 * @returns The sorted fact paths, including fact references.
 *
 * @example
 * conditionFacts({ any: [{ fact: 'a.b', op: 'exists' }, { fact: 'c', op: 'lt', value: { fact: 'd' } }] })
 * //=> ['a.b', 'c', 'd']
 *
 * @category core
 */
export function conditionFacts(condition: Condition): string[] {
  const out = new Set<string>();
  const walk = (c: Condition) => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else {
      out.add(c.fact);
      if (isFactRef(c.value)) out.add(c.value.fact);
    }
  };
  walk(condition);
  return [...out].sort();
}

export type { JsonValue };
