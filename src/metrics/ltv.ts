import { describeType, failInput } from '../core/errors';
import type { Money } from '../core/money';
import { amount } from './internal';

/**
 * Inputs of {@link ltv}.
 *
 * @category metrics
 */
export interface LtvOptions {
  /**
   * Average revenue per account per period (month, usually), in minor units, or as money with a
   * currency.
   */
  readonly arpa: number | Money;
  /**
   * The churn rate per period, in [0, 1]: a number, or a result with a `rate` such as
   * {@link churnRate}'s. `null` (unknown) gives a `null` LTV.
   */
  readonly churnRate: number | null | { readonly rate: number | null };
  /** The share of revenue kept after the cost of serving it, in [0, 1]. @defaultValue `1` */
  readonly grossMargin?: number;
}

/**
 * The answer of {@link ltv}.
 *
 * @category metrics
 */
export interface LtvResult {
  /**
   * `arpa * grossMargin / churnRate`, in minor units (not rounded), or `null` when the churn rate
   * is 0 (no customer ever leaves: unbounded; also when it is so close to 0 that the quotient
   * overflows) or unknown.
   */
  readonly value: number | null;
  /** The currency, when `arpa` was given as money. */
  readonly currency: string | null;
  /** The expected lifetime in periods, `1 / churnRate`, or `null`. */
  readonly lifetimePeriods: number | null;
  /** The inputs used. */
  readonly arpa: number;
  readonly churnRate: number | null;
  readonly grossMargin: number;
}

function share(fn: string, value: unknown, name: string): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  return failInput(
    { fn, path: [name], root: 'options' },
    {
      code: 'out_of_range',
      path: [],
      expected: 'a number in [0, 1]',
      received: describeType(value),
    },
  );
}

/**
 * Customer lifetime value: the margin an average account brings before it churns,
 * `arpa * grossMargin / churnRate` (the simple steady-state formula ChartMogul, Baremetrics and
 * ProfitWell use). Pass the churn rate of the same period as the ARPA (monthly with monthly).
 *
 * @param options - See {@link LtvOptions}.
 * @returns The LTV in minor units (`null` when the churn rate is 0 or unknown) with the inputs.
 * @throws {RetentionInputError} When `arpa` is not a non-negative amount, or `churnRate` or
 * `grossMargin` is outside [0, 1].
 *
 * @example
 * ltv({ arpa: 10000, churnRate: 0.05, grossMargin: 0.8 }).value
 * //=> 160000
 *
 * @example
 * ltv({ arpa: { amount: 4900, currency: 'EUR' }, churnRate: 0 })
 * //=> { value: null, currency: 'EUR', lifetimePeriods: null, arpa: 4900, churnRate: 0, grossMargin: 1 }
 *
 * @category metrics
 */
export function ltv(options: LtvOptions): LtvResult {
  const fn = 'ltv';
  if (typeof options !== 'object' || options === null) {
    return failInput(
      { fn, root: 'options' },
      {
        code: 'invalid_type',
        path: [],
        expected: 'an options object',
        received: describeType(options),
      },
    );
  }
  const { amount: arpa, currency } = amount(fn, options.arpa, 'arpa');
  const raw = options.churnRate;
  const churn =
    raw === null
      ? null
      : typeof raw === 'object'
        ? raw.rate === null
          ? null
          : share(fn, raw.rate, 'churnRate')
        : share(fn, raw, 'churnRate');
  const grossMargin =
    options.grossMargin === undefined ? 1 : share(fn, options.grossMargin, 'grossMargin');
  const known = churn !== null && churn > 0;
  // A churn rate so close to 0 that the quotient overflows is as unbounded as 0 itself.
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    value: known ? finite((arpa * grossMargin) / churn) : null,
    currency,
    lifetimePeriods: known ? finite(1 / churn) : null,
    arpa,
    churnRate: churn,
    grossMargin,
  };
}
