import { describeType, failInput, RetentionError } from '../core/errors';
import type { Money } from '../core/money';
import { amount } from './internal';
import type { LtvResult } from './ltv';

/**
 * Inputs of {@link ltvLoss}.
 *
 * @category metrics
 */
export interface LtvLossOptions {
  /** The lifetime value lost: minor units, money, or an {@link ltv} result. */
  readonly ltv: number | Money | LtvResult;
  /** What it cost to acquire the customer, in the same currency. */
  readonly cac: number | Money;
}

/**
 * The answer of {@link ltvLoss}.
 *
 * @category metrics
 */
export interface LtvLossResult {
  /** `ltv - cac` in minor units, or `null` when the LTV is unknown. */
  readonly value: number | null;
  /** The currency, when either input named one. */
  readonly currency: string | null;
  readonly ltv: number | null;
  readonly cac: number;
}

/**
 * The net value lost with a customer who leaves: the lifetime value they would have brought,
 * less what was spent to acquire them (LTV 1200, CAC 300: 900 lost). Negative when acquiring
 * them cost more than they were worth.
 *
 * @param options - See {@link LtvLossOptions}.
 * @returns `ltv - cac`, with the inputs.
 * @throws {RetentionInputError} When an amount is invalid; `RetentionError` with code
 * `currency_mismatch` when the two currencies differ.
 *
 * @example
 * ltvLoss({ ltv: 120000, cac: 30000 }).value
 * //=> 90000
 *
 * @example
 * ltvLoss({ ltv: ltv({ arpa: 10000, churnRate: 0.05 }), cac: 50000 }).value
 * //=> 150000
 *
 * @category metrics
 */
export function ltvLoss(options: LtvLossOptions): LtvLossResult {
  const fn = 'ltvLoss';
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
  const raw = options.ltv;
  let value: number | null;
  let ltvCurrency: string | null;
  if (typeof raw === 'object' && raw !== null && 'lifetimePeriods' in raw) {
    value = raw.value;
    ltvCurrency = raw.currency;
  } else {
    const parsed = amount(fn, raw, 'ltv');
    value = parsed.amount;
    ltvCurrency = parsed.currency;
  }
  const cac = amount(fn, options.cac, 'cac');
  if (ltvCurrency !== null && cac.currency !== null && ltvCurrency !== cac.currency) {
    throw new RetentionError(
      'currency_mismatch',
      `${fn}: cannot combine ${ltvCurrency} and ${cac.currency} without a currency converter`,
    );
  }
  return {
    value: value === null ? null : value - cac.amount,
    currency: ltvCurrency ?? cac.currency,
    ltv: value,
    cac: cac.amount,
  };
}
