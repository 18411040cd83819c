/**
 * Input checks shared by the modules that read records and options by hand (the metric models,
 * scoring, win-back) rather than through a schema: each throws a `RetentionInputError` naming
 * the function, the root argument and the path. Internal.
 *
 * @module
 */
import { describeType, failInput, type InputLocation, type IssuePath } from './errors';

/** Where a value sits, for an error. */
export interface Where {
  readonly fn: string;
  readonly root: string;
  readonly path: IssuePath;
}

/** A location `path` steps further in. */
export function at(where: Where, ...path: IssuePath): Where {
  return { fn: where.fn, root: where.root, path: [...where.path, ...path] };
}

function describeRange(range: {
  min?: number;
  minExclusive?: boolean;
  max?: number;
  integer?: boolean;
}): string {
  const kind = range.integer === true ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (range.min !== undefined)
    parts.push(range.minExclusive ? `> ${range.min}` : `>= ${range.min}`);
  if (range.max !== undefined) parts.push(`<= ${range.max}`);
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

/** A finite number (an integer when asked) within the range. */
export function requireNumber(
  value: unknown,
  where: InputLocation,
  range: { min?: number; minExclusive?: boolean; max?: number; integer?: boolean } = {},
): number {
  const expected = describeRange(range);
  if (typeof value !== 'number' || !Number.isFinite(value))
    failInput(where, { code: 'invalid_type', path: [], expected, received: describeType(value) });
  const bad =
    (range.integer === true && !Number.isInteger(value)) ||
    (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) ||
    (range.max !== undefined && value > range.max);
  if (bad) failInput(where, { code: 'out_of_range', path: [], expected });
  return value;
}

/** A plain object (not null, not an array). */
export function requireObject(value: unknown, where: InputLocation): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an object',
      received: describeType(value),
    });
  return value as Record<string, unknown>;
}

/** An array. */
export function requireArray(value: unknown, where: InputLocation): readonly unknown[] {
  if (!Array.isArray(value))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an array',
      received: describeType(value),
    });
  return value;
}
