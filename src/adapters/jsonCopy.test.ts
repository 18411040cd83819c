import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenJsonCopy, jsonCopy } from './jsonCopy';

/** The reference: a JSON round trip, or the error it throws. */
function roundTrip(value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(JSON.stringify(value)) };
  } catch (e) {
    return { ok: false, error: (e as Error).constructor.name };
  }
}

function copied(value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: jsonCopy(value) };
  } catch (e) {
    return { ok: false, error: (e as Error).constructor.name };
  }
}

/** Equal as JSON gives them back, including key order and -0 (which JSON writes as 0). */
function expectSame(value: unknown): void {
  const expected = roundTrip(value);
  const actual = copied(value);
  expect(actual.ok).toBe(expected.ok);
  if (actual.ok && expected.ok) {
    expect(actual.value).toStrictEqual(expected.value);
    expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
    expect(Object.is(actual.value, -0)).toBe(false);
  } else expect(actual).toEqual(expected);
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('jsonCopy', () => {
  it('gives what a JSON round trip gives, for any value', () => {
    const leaf = fc.oneof(
      fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
      fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, Symbol('s')),
      fc.date({ noInvalidDate: false }),
      fc.record({ toJSON: fc.constant(() => 'custom') }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), tie('node')),
      ),
    })).node;
    // undefined itself is the one documented difference: jsonCopy gives it back
    fc.assert(
      fc.property(
        value.filter((v) => v !== undefined),
        expectSame,
      ),
      { numRuns: 2000 },
    );
  });

  it('handles the cases JSON treats specially', () => {
    expectSame({ a: undefined, b: () => 1, c: Symbol('c'), d: 1 });
    expectSame([undefined, () => 1, Symbol('x'), Number.NaN, -0, Number.NEGATIVE_INFINITY]);
    // a sparse array: holes are null
    const sparse = [1, 2, 3];
    delete sparse[1];
    expectSame(sparse);
    expectSame({ at: new Date(Date.UTC(2026, 0, 1)) });
    expectSame(new Point(1, 2));
    expectSame(Object.assign(Object.create(null), { a: 1 }));
    expectSame({ ['__proto__']: { polluted: true } });
    expectSame(JSON.parse('{"__proto__": {"x": 1}}'));
    expectSame({ n: 10n });
    expectSame('text');
    expectSame(null);
    expect(jsonCopy(undefined)).toBeUndefined();
  });

  it('writes an own "__proto__" key as JSON.parse does, never setting the prototype', () => {
    const copy = jsonCopy(JSON.parse('{"__proto__": {"x": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect((copy as { x?: unknown }).x).toBeUndefined();
  });

  it('leaves out inherited keys, even from a polluted Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      const copy = jsonCopy({ a: 1, nested: { b: 2 } }) as Record<string, unknown>;
      expect(Object.keys(copy)).toEqual(['a', 'nested']);
      expect(Object.hasOwn(copy.nested as object, 'polluted')).toBe(false);
      expectSame({ a: 1, nested: { b: 2 } });
    } finally {
      delete proto.polluted;
    }
    expect(Object.keys(jsonCopy({ a: 1 }) as object)).toEqual(['a']);
  });

  it('throws what JSON throws for a cycle, and copies deep nesting', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(() => jsonCopy(cycle)).toThrow(TypeError);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 500; i++) deep = { next: [deep] };
    expectSame(deep);
  });

  it('shares nothing with its input and leaves it unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = JSON.stringify(value);
        const copy = jsonCopy(value);
        expect(JSON.stringify(value)).toBe(before);
        const originals = new Set<unknown>();
        const collect = (v: unknown) => {
          if (typeof v === 'object' && v !== null) {
            originals.add(v);
            for (const x of Object.values(v)) collect(x);
          }
        };
        collect(value);
        const check = (v: unknown) => {
          if (typeof v === 'object' && v !== null) {
            expect(originals.has(v)).toBe(false);
            for (const x of Object.values(v)) check(x);
          }
        };
        check(copy);
      }),
      { numRuns: 500 },
    );
  });
});

/** Every object and array of `v`, with the path to it. */
/** The path of key `k` under `path`, quoted so that keys holding a `/` cannot collide. */
const under = (path: string, k: string | number) => `${path}/${JSON.stringify(String(k))}`;

function objectsOf(v: unknown, path = '$', out = new Map<string, object>()): Map<string, object> {
  if (typeof v === 'object' && v !== null) {
    out.set(path, v);
    for (const [k, x] of Object.entries(v)) objectsOf(x, under(path, k), out);
  }
  return out;
}

describe('frozenJsonCopy', () => {
  const json = fc.jsonValue({ maxDepth: 4 });

  it('gives what a JSON round trip gives, with every object and array frozen', () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withNullPrototype: true }), (value) => {
        const copy = frozenJsonCopy(value);
        if (value === undefined) expect(copy).toBeUndefined();
        else {
          expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
          for (const o of objectsOf(copy).values()) expect(Object.isFrozen(o)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    // the round-trip path (a Date, a class instance) freezes what JSON.parse made
    const viaRoundTrip = frozenJsonCopy({ at: new Date(0), list: [{ a: 1 }] });
    for (const o of objectsOf(viaRoundTrip).values()) expect(Object.isFrozen(o)).toBe(true);
  });

  it('reuses an object of the earlier copy found at the same place, and copies everything else', () => {
    fc.assert(
      fc.property(json, json, fc.array(fc.nat(), { maxLength: 6 }), (first, extra, picks) => {
        const previous = frozenJsonCopy(first);
        // a new value that keeps some objects of the earlier copy, each at its own place
        const kept = [...objectsOf(previous).entries()];
        const chosen = new Set(picks.map((i) => kept[i % Math.max(1, kept.length)]?.[0]));
        const rebuild = (v: unknown, path: string): unknown => {
          if (typeof v !== 'object' || v === null) return v;
          if (chosen.has(path)) return v;
          if (Array.isArray(v)) return v.map((x, i) => rebuild(x, under(path, i)));
          return Object.fromEntries(
            Object.entries(v).map(([k, x]) => [k, rebuild(x, under(path, k))]),
          );
        };
        const value = { now: rebuild(previous, '$'), extra };
        const copy = frozenJsonCopy(value, { now: previous });
        expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
        // what was kept (and everything inside it) is reused; every other object is a new one
        const earlier = objectsOf(previous);
        const inputs = objectsOf(value);
        const inside = (from: string) =>
          [...chosen].some((c) => c !== undefined && (from === c || from.startsWith(`${c}/`)));
        for (const [path, o] of objectsOf(copy)) {
          expect(Object.isFrozen(o)).toBe(true);
          const now = under('$', 'now');
          const from = path.startsWith(now) ? `$${path.slice(now.length)}` : path;
          if (path.startsWith(now) && inside(from)) expect(o).toBe(earlier.get(from));
          else {
            expect(new Set(earlier.values()).has(o)).toBe(false);
            expect(inputs.get(path)).not.toBe(o);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reuses a kept object under an own __proto__ key too', () => {
    const previous = frozenJsonCopy(JSON.parse('{"__proto__":{"a":1},"b":{"c":2}}')) as Record<
      string,
      unknown
    >;
    const value: Record<string, unknown> = { b: previous.b };
    Object.defineProperty(value, '__proto__', {
      value: Object.getOwnPropertyDescriptor(previous, '__proto__')?.value,
      enumerable: true,
    });
    const copy = frozenJsonCopy(value, previous);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe(
      Object.getOwnPropertyDescriptor(previous, '__proto__')?.value,
    );
    expect(copy.b).toBe(previous.b);
    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
  });

  it('does not reuse an object of the earlier copy that moved to another place', () => {
    const previous = frozenJsonCopy({ a: { x: 1 }, b: { y: 2 } });
    const moved = { a: previous.b, b: previous.a };
    const copy = frozenJsonCopy(moved, previous);
    expect(copy).toStrictEqual({ a: { y: 2 }, b: { x: 1 } });
    // both are frozen copies already, so either way the result is safe; at a new place they are
    // copied, as the walk only compares each object with the one at its own place
    expect(copy.a).not.toBe(previous.a);
    expect(copy.a).not.toBe(previous.b);
  });
});
