import { describeType, failInput, type InputLocation, RetentionError } from './errors';

/**
 * An amount of money in integer minor units (cents for USD, yen for JPY) with its ISO 4217
 * currency code. Integers keep sums exact; there is no floating-point money in the library.
 *
 * @category core
 */
export interface Money {
  /** Integer amount in minor units; may be negative (a refund, a contraction). */
  readonly amount: number;
  /** ISO 4217 code, three upper-case letters. */
  readonly currency: string;
}

/**
 * Converts an amount in minor units from one currency to another, returning minor units of the
 * target currency. Supply one wherever amounts in several currencies must be combined; the
 * library never guesses exchange rates.
 *
 * @category core
 */
export type CurrencyConverter = (amount: number, from: string, to: string) => number;

/** ISO 4217 currencies whose minor unit is not 1/100. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * Tells whether a string has the form of an ISO 4217 currency code (three upper-case letters).
 *
 * @param code - The candidate code.
 * @returns `true` for codes such as `'USD'`, `'EUR'`, `'JPY'`.
 *
 * @example
 * isCurrencyCode('usd')
 * //=> false
 *
 * @category core
 */
export function isCurrencyCode(code: unknown): code is string {
  // three upper-case ASCII letters, checked without a regular expression (a hot path)
  if (typeof code !== 'string' || code.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = code.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/**
 * Checks a currency code and returns it, or throws.
 *
 * @param code - The candidate code.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The code.
 * @throws {RetentionInputError} When the code is not three upper-case letters.
 *
 * @example
 * toCurrency('EUR')
 * //=> 'EUR'
 *
 * @category core
 */
export function toCurrency(code: unknown, location: InputLocation = {}): string {
  if (isCurrencyCode(code)) return code;
  return failInput(location, {
    code: 'invalid_currency',
    path: [],
    expected: "three upper-case letters, e.g. 'USD'",
    received: describeType(code),
  });
}

/**
 * The number of decimal places of a currency's minor unit (2 for USD, 0 for JPY, 3 for KWD).
 *
 * @param currency - An ISO 4217 code.
 * @returns The exponent; 2 for codes not in the built-in table of exceptions.
 *
 * @example
 * currencyExponent('JPY')
 * //=> 0
 *
 * @category core
 */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/**
 * Checks an amount in minor units: a safe integer.
 *
 * @param amount - The candidate amount.
 * @param location - Where the value sits in the caller's input, for the error message.
 * @returns The amount.
 * @throws {RetentionInputError} When the amount is not a safe integer (NaN, fractional, too large).
 *
 * @example
 * toMinorUnits(2900)
 * //=> 2900
 *
 * @category core
 */
export function toMinorUnits(amount: unknown, location: InputLocation = {}): number {
  if (Number.isSafeInteger(amount)) return amount as number;
  return failInput(location, {
    code: 'invalid_amount',
    path: [],
    expected: 'an integer number of minor units (cents)',
    received: describeType(amount),
  });
}

/**
 * Creates a {@link Money} value, checking both fields.
 *
 * @param amount - Integer minor units.
 * @param currency - ISO 4217 code.
 * @returns The money value.
 * @throws {RetentionInputError} When the amount is not a safe integer or the code is malformed.
 *
 * @example
 * money(2900, 'USD')
 * //=> { amount: 2900, currency: 'USD' }
 *
 * @category core
 */
export function money(amount: number, currency: string): Money {
  return {
    amount: toMinorUnits(amount, { fn: 'money', root: 'amount' }),
    currency: toCurrency(currency, { fn: 'money', root: 'currency' }),
  };
}

function mismatch(fn: string, a: string, b: string): never {
  throw new RetentionError(
    'currency_mismatch',
    `${fn}: cannot combine ${a} and ${b} without a currency converter`,
  );
}

function checkedSum(fn: string, a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new RetentionError('limit_exceeded', `${fn}: the sum exceeds the safe integer range`);
  }
  return sum;
}

/**
 * Adds two amounts of the same currency.
 *
 * @param a - First amount.
 * @param b - Second amount.
 * @returns The sum, in the same currency.
 * @throws {RetentionError} `currency_mismatch` when the currencies differ; `limit_exceeded` when the
 * sum is not a safe integer.
 *
 * @example
 * addMoney(money(2900, 'USD'), money(100, 'USD'))
 * //=> { amount: 3000, currency: 'USD' }
 *
 * @category core
 */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) mismatch('addMoney', a.currency, b.currency);
  return { amount: checkedSum('addMoney', a.amount, b.amount), currency: a.currency };
}

/**
 * Options of {@link sumMoney}.
 *
 * @category core
 */
export interface SumMoneyOptions {
  /** The currency of the result; required for an empty input. @defaultValue the first amount's currency */
  readonly currency?: string;
  /** Converts amounts in other currencies; without it, mixing currencies is an error. */
  readonly convert?: CurrencyConverter;
}

/**
 * Sums amounts, converting with `options.convert` when currencies differ.
 *
 * @param amounts - The amounts.
 * @param options - See {@link SumMoneyOptions}.
 * @returns The total.
 * @throws {RetentionError} `currency_mismatch` when currencies differ and there is no converter;
 * `invalid_input` when the input is empty and no currency is given, or a converter returns a
 * non-integer.
 *
 * @example
 * sumMoney([money(100, 'EUR'), money(250, 'EUR')])
 * //=> { amount: 350, currency: 'EUR' }
 *
 * @category core
 */
export function sumMoney(amounts: Iterable<Money>, options: SumMoneyOptions = {}): Money {
  const fn = 'sumMoney';
  let currency =
    options.currency === undefined
      ? undefined
      : toCurrency(options.currency, { fn, path: ['currency'], root: 'options' });
  let total = 0;
  let index = 0;
  for (const m of amounts) {
    const amount = toMinorUnits(m.amount, { fn, path: [index, 'amount'], root: 'amounts' });
    const code = toCurrency(m.currency, { fn, path: [index, 'currency'], root: 'amounts' });
    currency ??= code;
    let value = amount;
    if (code !== currency) {
      if (options.convert === undefined) mismatch(fn, currency, code);
      value = toMinorUnits(options.convert(amount, code, currency), {
        fn,
        path: [index, 'amount'],
        root: 'converted amounts',
      });
    }
    total = checkedSum(fn, total, value);
    index++;
  }
  if (currency === undefined) {
    return failInput(
      { fn, path: ['currency'], root: 'options' },
      {
        code: 'required',
        path: [],
        detail: 'an empty input needs options.currency',
      },
    );
  }
  return { amount: total, currency };
}

/**
 * Formats money for people with `Intl.NumberFormat` (`$29.00`, `£1,234.50`, `1.234,50 €`).
 *
 * @param value - The amount.
 * @param locale - A BCP 47 locale. @defaultValue `'en-US'`
 * @returns The formatted string.
 *
 * @example
 * formatMoney(money(123450, 'GBP'), 'en-GB')
 * //=> '£1,234.50'
 *
 * @category core
 */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const exponent = currencyExponent(value.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(value.amount / 10 ** exponent);
}
