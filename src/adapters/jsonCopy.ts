/**
 * Copies of JSON data as a JSON round trip makes them, without the text in between. Internal to
 * the adapters.
 *
 * The memory store copies everything that goes in, as a database would, so callers never share
 * objects with it; what it keeps is frozen ({@link frozenJsonCopy}), so it hands the same objects
 * to every reader without copying them out again. `JSON.parse(JSON.stringify(value))` makes such
 * copies but writes and parses a string per copy, once the largest single cost of an engine tick
 * over the memory store. This copy
 * walks the value once and gives the same result for plain data (objects with `Object.prototype`
 * or no prototype, arrays, strings, finite numbers, booleans, null); anything else (a `toJSON`
 * method, a class instance, a bigint, nesting deeper than {@link MAX_DEPTH}, which is also how a
 * cycle shows) goes through the round trip itself, so the result, or the error, is the round
 * trip's in every case.
 */

/** Thrown inside the walk when a value needs the round trip. */
const UNUSUAL: unique symbol = Symbol('unusual');

const MAX_DEPTH = 64;
const objectPrototype = Object.prototype;

/** True for what JSON leaves out of an object (and writes as null in an array). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * True when `Object.prototype` has an enumerable property (a polluted prototype): `for...in`
 * would then list it, so the walk checks that every key is the object's own.
 */
let inheritedKeys = false;

/**
 * The copy of `v`. With `freeze`, every object and array made is frozen, and `previous` is what
 * an earlier frozen copy holds at the same place: an object of the value that is that very object
 * (a state that kept part of the state it was given) is already a frozen JSON copy, and is reused.
 */
function walk(v: unknown, depth: number, freeze: boolean, previous: unknown): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // JSON writes -0 as 0 and non-finite numbers as null
      return Number.isFinite(v) ? v + 0 : null;
    case 'object':
      break;
    default:
      throw UNUSUAL;
  }
  if (v === previous) return v;
  if (depth > MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw UNUSUAL;
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array(n);
    const before = Array.isArray(previous) ? previous : null;
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] = omitted(x) ? null : walk(x, depth + 1, freeze, before?.[i]);
    }
    return freeze ? Object.freeze(out) : out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== objectPrototype && proto !== null) throw UNUSUAL;
  const source = v as Record<string, unknown>;
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Record<string, unknown>)
      : null;
  const out: Record<string, unknown> = {};
  // for...in lists own enumerable keys in the order JSON writes them (and V8 reads each value by
  // its slot, where a lookup by a key from Object.keys would be a dictionary probe per key)
  for (const k in source) {
    if (inheritedKeys && !Object.hasOwn(source, k)) continue;
    const x = source[k];
    if (omitted(x)) continue;
    // only an object can be reused, and only an own value of the earlier copy is one of its
    // objects (an inherited value is a function, anything a polluted prototype holds, or, for
    // `__proto__`, the prototype itself)
    const prior =
      before !== null &&
      typeof x === 'object' &&
      x !== null &&
      ((!inheritedKeys && k !== '__proto__') || Object.hasOwn(before, k))
        ? before[k]
        : undefined;
    const copy = walk(x, depth + 1, freeze, prior);
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: copy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = copy;
  }
  return freeze ? Object.freeze(out) : out;
}

/** The copy (frozen with `freeze`), by the walk or, for anything unusual, by the round trip. */
function copyOf(value: unknown, freeze: boolean, previous: unknown): unknown {
  if (value === undefined) return value;
  inheritedKeys = false;
  for (const _ in objectPrototype) inheritedKeys = true;
  try {
    return walk(value, 0, freeze, previous);
  } catch (e) {
    if (e !== UNUSUAL) throw e;
    const parsed: unknown = JSON.parse(JSON.stringify(value));
    if (freeze) freezeParsed(parsed);
    return parsed;
  }
}

/** Freezes every object and array of a value JSON.parse made (plain data, no cycles). */
function freezeParsed(v: unknown): void {
  if (typeof v !== 'object' || v === null) return;
  for (const x of Object.values(v)) freezeParsed(x);
  Object.freeze(v);
}

/**
 * `JSON.parse(JSON.stringify(value))`, and `undefined` for `undefined`: the same result and the
 * same errors, faster for plain data.
 */
export function jsonCopy<T>(value: T): T {
  return copyOf(value, false, undefined) as T;
}

/**
 * {@link jsonCopy} with every object and array of the copy frozen: a value that can be handed
 * to any number of readers without copying it again, since none of them can change it.
 *
 * `previous`, an earlier result of this function (the state a commit replaces), lets the copy
 * reuse what the value kept of it: an object of `value` that is the object at the same place in
 * `previous` is frozen plain data already and is not copied again.
 */
export function frozenJsonCopy<T>(value: T, previous?: unknown): T {
  return copyOf(value, true, previous) as T;
}
