/**
 * Small input checks shared by the win-back module. Internal.
 */
import { describeType, failInput, type InputLocation, RetentionError } from '../core/errors';
import type { CurrencyConverter } from '../core/money';
import { isCurrencyCode } from '../core/money';

/** A location one step further in. */
export function at(where: InputLocation, ...path: (string | number)[]): InputLocation {
  return { ...where, path: [...(where.path ?? []), ...path] };
}

export { requireObject } from '../core/check';

/**
 * `where`, or `key` one step further in: the checks below take the key apart so that a location
 * is only built for an error (planning a million customers would otherwise build millions).
 */
function into(where: InputLocation, key: string | number | undefined): InputLocation {
  return key === undefined ? where : at(where, key);
}

export function requireId(value: unknown, where: InputLocation, key?: string | number): string {
  if (typeof value !== 'string' || value === '' || value.length > 256)
    failInput(into(where, key), {
      code: typeof value === 'string' ? 'invalid_value' : 'invalid_type',
      path: [],
      expected: 'a non-empty string of at most 256 characters',
      received: describeType(value),
    });
  return value;
}

export function optionalString(
  value: unknown,
  where: InputLocation,
  key?: string | number,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    failInput(into(where, key), {
      code: 'invalid_type',
      path: [],
      expected: 'a string',
      received: describeType(value),
    });
  return value;
}

/** A finite number (optionally an integer, optionally >= min), or `null` when absent. */
export function optionalNumber(
  value: unknown,
  where: InputLocation,
  options: { readonly integer?: boolean; readonly min?: number } = {},
  key?: string | number,
): number | null {
  if (value === undefined || value === null) return null;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (options.integer === true && !Number.isSafeInteger(value)) ||
    (options.min !== undefined && value < options.min)
  )
    failInput(into(where, key), {
      code: typeof value === 'number' ? 'out_of_range' : 'invalid_type',
      path: [],
      expected: `a${options.integer ? 'n integer' : ' finite number'}${options.min === undefined ? '' : ` >= ${options.min}`}`,
      received: describeType(value),
    });
  return value;
}

export function optionalCurrency(
  value: unknown,
  where: InputLocation,
  key?: string | number,
): string | null {
  if (value === undefined || value === null) return null;
  if (!isCurrencyCode(value))
    failInput(into(where, key), {
      code: 'invalid_currency',
      path: [],
      expected: "three upper-case letters, e.g. 'USD'",
      received: describeType(value),
    });
  return value;
}

/**
 * Sums amounts of minor units in one currency: the first currency seen (or the one asked for)
 * unless a converter is given. Internal to the results functions.
 */
export class MoneyTotal {
  currency: string | null;
  amount = 0;
  constructor(
    private readonly fn: string,
    currency: string | null,
    private readonly convert: CurrencyConverter | undefined,
  ) {
    this.currency = currency;
  }
  add(amount: number, currency: string | null): void {
    if (amount === 0) return;
    const from = currency ?? this.currency;
    if (from === null)
      throw new RetentionError(
        'currency_mismatch',
        `${this.fn}: an amount has no currency; give each record a currency, or the currency option`,
      );
    if (this.currency === null) this.currency = from;
    if (from === this.currency) {
      this.amount += amount;
      return;
    }
    if (this.convert === undefined)
      throw new RetentionError(
        'currency_mismatch',
        `${this.fn}: amounts in ${from} and ${this.currency} cannot be added without a converter (options.convert)`,
      );
    this.amount += Math.round(this.convert(amount, from, this.currency));
  }
}
