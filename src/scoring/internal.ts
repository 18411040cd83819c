/**
 * Small helpers shared by the scoring primitives: own-property reads, input checks that name the
 * function, the path and the record index, and day arithmetic. Internal.
 *
 * @module
 */
import { at, requireNumber, type Where } from '../core/check';
import { describeType, failInput } from '../core/errors';

/** Milliseconds in a (fixed, 24-hour) day. */
export const DAY = 86_400_000;

export { at, requireNumber, requireObject, type Where } from '../core/check';

const hasOwn = Object.prototype.hasOwnProperty;

/** Reads an own property of a record (or `undefined`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn.call(record, key) ? record[key] : undefined;
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
