/**
 * Input checks shared by the model functions: each throws a RetentionInputError naming the
 * function, the path and the record index. Internal.
 *
 * @module
 */
import { describeType, failInput, type IssuePath } from '../core/errors';

/** Where a value sits, for an error. */
export interface Where {
  readonly fn: string;
  readonly root: string;
  readonly path: IssuePath;
}

export function requireNumber(
  value: unknown,
  where: Where,
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

export function requireArray(value: unknown, where: Where): readonly unknown[] {
  if (!Array.isArray(value))
    failInput(where, {
      code: 'invalid_type',
      path: [],
      expected: 'an array',
      received: describeType(value),
    });
  return value;
}

export function at(where: Where, ...path: IssuePath): Where {
  return { fn: where.fn, root: where.root, path: [...where.path, ...path] };
}
