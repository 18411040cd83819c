/**
 * Copies of JSON data as a JSON round trip makes them, without the text in between. Internal to
 * the adapters.
 *
 * The memory store copies everything that goes in and out, as a database would, so callers never
 * share objects with it. `JSON.parse(JSON.stringify(value))` does that but writes and parses a
 * string per copy, the largest single cost of an engine tick over the memory store. This copy
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

function walk(v: unknown, depth: number): unknown {
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
  if (depth > MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw UNUSUAL;
  if (Array.isArray(v)) {
    const n = v.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      out[i] = omitted(x) ? null : walk(x, depth + 1);
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== objectPrototype && proto !== null) throw UNUSUAL;
  const source = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // for...in lists own enumerable keys in the order JSON writes them (and V8 reads each value by
  // its slot, where a lookup by a key from Object.keys would be a dictionary probe per key)
  for (const k in source) {
    if (inheritedKeys && !Object.hasOwn(source, k)) continue;
    const x = source[k];
    if (omitted(x)) continue;
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: walk(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = walk(x, depth + 1);
  }
  return out;
}

/**
 * `JSON.parse(JSON.stringify(value))`, and `undefined` for `undefined`: the same result and the
 * same errors, faster for plain data.
 */
export function jsonCopy<T>(value: T): T {
  if (value === undefined) return value;
  inheritedKeys = false;
  for (const _ in objectPrototype) inheritedKeys = true;
  try {
    return walk(value, 0) as T;
  } catch (e) {
    if (e !== UNUSUAL) throw e;
    return JSON.parse(JSON.stringify(value)) as T;
  }
}
