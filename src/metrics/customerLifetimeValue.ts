import { type BgNbdParams, conditionalExpected, readBgNbdParams, readCustomer } from './bgNbd';
import { expectedSpend, type GammaGammaParams, readGammaGammaParams } from './gammaGamma';
import { at, requireNumber, requireObject, type Where } from './input';

/**
 * A customer for {@link customerLifetimeValue}: the BG/NBD summary plus the mean repeat spend.
 *
 * @category metrics
 */
export interface LifetimeValueCustomer {
  /** Repeat purchases (`x`). */
  readonly frequency: number;
  /** Time from the first to the last purchase (`t_x`). */
  readonly recency: number;
  /** Time from the first purchase to the end of observation. */
  readonly T: number;
  /** Mean value of the repeat purchases (ignored when `frequency` is 0). */
  readonly monetaryValue: number;
}

/**
 * Options of {@link customerLifetimeValue}.
 *
 * @category metrics
 */
export interface CustomerLifetimeValueOptions {
  /** Length of one discounting step in the models' time unit, e.g. `4.345` weeks or `30` days per month. */
  readonly stepLength: number;
  /** Number of steps summed (the horizon). @defaultValue `12` */
  readonly steps?: number;
  /** Discount rate per step (0.01 for 1% a month). @defaultValue `0.01` */
  readonly discountRate?: number;
}

/**
 * The discounted value of a customer's purchases over a horizon, combining BG/NBD (how many) and
 * Gamma-Gamma (how much), as lifetimes' `customer_lifetime_value` computes it: for each step
 * `k = 1..steps`, the expected purchases between `(k-1)·stepLength` and `k·stepLength` given the
 * customer's history, times the expected spend per purchase, divided by `(1 + discountRate)^k`.
 * Multiply by a margin for profit.
 *
 * @param bgNbd - Fitted BG/NBD parameters.
 * @param gammaGamma - Fitted Gamma-Gamma parameters.
 * @param customer - Frequency, recency, T and mean repeat spend.
 * @param options - See {@link CustomerLifetimeValueOptions}.
 * @returns The discounted lifetime value over the horizon, in the unit of `monetaryValue`.
 * @throws {RetentionInputError} When a parameter, the customer or an option is out of range.
 *
 * @example
 * const bgNbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }; // CDNOW, weeks
 * const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
 * const customer = { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.35 };
 * Number(customerLifetimeValue(bgNbd, spend, customer, { stepLength: 4.345, steps: 12 }).toFixed(2))
 * //=> 36.29
 *
 * @category metrics
 */
export function customerLifetimeValue(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: LifetimeValueCustomer,
  options: CustomerLifetimeValueOptions,
): number {
  const fn = 'customerLifetimeValue';
  const purchases = readBgNbdParams(bgNbd, fn);
  const spend = readGammaGammaParams(gammaGamma, fn);
  const where: Where = { fn, root: 'customer', path: [] };
  const { x, tx, T } = readCustomer(customer, () => where);
  const m = requireNumber(
    requireObject(customer, where).monetaryValue,
    at(where, 'monetaryValue'),
    {
      min: 0,
    },
  );
  const opt: Where = { fn, root: 'options', path: [] };
  const step = requireNumber(options.stepLength, at(opt, 'stepLength'), {
    min: 0,
    minExclusive: true,
  });
  const steps = requireNumber(options.steps ?? 12, at(opt, 'steps'), { min: 1, integer: true });
  const rate = requireNumber(options.discountRate ?? 0.01, at(opt, 'discountRate'), {
    min: 0,
    minExclusive: false,
  });
  const perPurchase = expectedSpend(spend, x, x === 0 ? 0 : m);
  let value = 0;
  let before = 0;
  for (let k = 1; k <= steps; k++) {
    const upTo = conditionalExpected(purchases, k * step, x, tx, T);
    value += ((upTo - before) * perPurchase) / (1 + rate) ** k;
    before = upTo;
  }
  return value;
}
