/**
 * Small helpers shared by the scoring primitives: fact getters, input checks that name the
 * function, the path and the record index, and day arithmetic. Internal.
 *
 * @module
 */
import { describeType, failInput, type IssuePath } from '../core/errors';

/** Milliseconds in a (fixed, 24-hour) day. */
export const DAY = 86_400_000;

/** Where a value sits, for an error. */
export interface Where {
  readonly fn: string;
  readonly root: string;
  readonly path: IssuePath;
}

export function at(where: Where, ...path: IssuePath): Where {
  return { fn: where.fn, root: where.root, path: [...where.path, ...path] };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A getter for a dot-separated fact path, split once, reading own properties only (never the
 * prototype chain). The path must already be valid (`checkFactPath`).
 */
export function factGetter(path: string): (facts: unknown) => unknown {
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

/** Reads an own property of a record (or `undefined`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn.call(record, key) ? record[key] : undefined;
}

export function requireNumber(
  value: unknown,
  where: Where,
  range: { min?: number; minExclusive?: boolean; max?: number; integer?: boolean } = {},
): number {
  const kind = range.integer === true ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (range.min !== undefined)
    parts.push(range.minExclusive ? `> ${range.min}` : `>= ${range.min}`);
  if (range.max !== undefined) parts.push(`<= ${range.max}`);
  const expected = parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
  if (typeof value !== 'number' || !Number.isFinite(value))
    failInput(where, { code: 'invalid_type', path: [], expected, received: describeType(value) });
  const bad =
    (range.integer === true && !Number.isInteger(value)) ||
    (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) ||
    (range.max !== undefined && value > range.max);
  if (bad) failInput(where, { code: 'out_of_range', path: [], expected });
  return value;
}

export function requireObject(value: unknown, where: Where): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an object',
      received: describeType(value),
    });
  return value as Record<string, unknown>;
}

export function requireBoolean(value: unknown, where: Where): boolean {
  if (typeof value !== 'boolean')
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'a boolean',
      received: describeType(value),
    });
  return value;
}

export function requireString(value: unknown, where: Where): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256)
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'a non-empty string of at most 256 characters',
      received: describeType(value),
    });
  return value;
}

export function requireStringList(value: unknown, where: Where): readonly string[] {
  if (!Array.isArray(value))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an array of strings',
      received: describeType(value),
    });
  for (let i = 0; i < value.length; i++) requireString(value[i], at(where, i));
  return value as readonly string[];
}

/** Whole days, from 1 to 3650. */
export function requireDays(value: unknown, where: Where): number {
  return requireNumber(value, where, { min: 1, max: 3650, integer: true });
}

/** The UTC day number of an instant (days since 1970-01-01). */
export function dayOf(instant: number): number {
  return Math.floor(instant / DAY);
}
