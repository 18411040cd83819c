import type { Accumulator } from '../core/accumulator';
import type { MrrChange } from '../core/records';
import { MrrLedger, type RevenueOptions, resolveRevenueOptions } from './mrrLedger';
import type { MetricSnapshot } from './snapshot';

/**
 * The answer of {@link netRevenueRetention}. `endingMrr = startingMrr + expansion - contraction -
 * churn`, all over the customers paying at `from`.
 *
 * @category metrics
 */
export interface NetRevenueRetentionResult {
  /** `endingMrr / startingMrr` (may exceed 1), or `null` when no customer paid at `from`. */
  readonly rate: number | null;
  /** The currency of every amount, or `null` when no change named one. */
  readonly currency: string | null;
  /** Customers with MRR > 0 at `from` (the base). */
  readonly customers: number;
  /** The base's MRR at `from`. */
  readonly startingMrr: number;
  /** The same customers' MRR at `to` (new customers excluded). */
  readonly endingMrr: number;
  /** Increases of base customers paying more at `to` than at `from`. */
  readonly expansion: number;
  /** Decreases of base customers still paying at `to`. */
  readonly contraction: number;
  /** The MRR at `from` of base customers paying nothing at `to`. */
  readonly churn: number;
  /** Base customers paying nothing at `to`. */
  readonly churnedCustomers: number;
}

const KIND = 'retention-kit/netRevenueRetention';

function project(ledger: MrrLedger<NetRevenueRetentionResult>): NetRevenueRetentionResult {
  const b = ledger.totals().base;
  return {
    rate: b.startingMrr > 0 ? b.endingMrr / b.startingMrr : null,
    currency: b.currency,
    customers: b.customers,
    startingMrr: b.startingMrr,
    endingMrr: b.endingMrr,
    expansion: b.expansion,
    contraction: b.contraction,
    churn: b.churn,
    churnedCustomers: b.churnedCustomers,
  };
}

/**
 * Creates the accumulator form of {@link netRevenueRetention}. Memory grows with subscriptions,
 * not with changes.
 *
 * @param options - See {@link RevenueOptions}.
 * @returns An accumulator of MRR changes whose `result()` is a {@link NetRevenueRetentionResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid change.
 *
 * @example
 * const period = { from: '2026-01-01', to: '2027-01-01' };
 * const east = netRevenueRetentionAccumulator(period).add({ customerId: 'a', at: '2025-06-01', mrr: 1000 });
 * const west = netRevenueRetentionAccumulator(period).add({ customerId: 'a', at: '2026-06-01', mrr: 1500 });
 * east.merge(west.snapshot()).result().rate
 * //=> 1.5
 *
 * @category metrics
 */
export function netRevenueRetentionAccumulator(
  options: RevenueOptions,
): Accumulator<MrrChange, NetRevenueRetentionResult, MetricSnapshot> {
  const fn = 'netRevenueRetentionAccumulator';
  return new MrrLedger(
    { fn, root: 'mrrChanges' },
    KIND,
    resolveRevenueOptions(fn, options),
    false,
    project,
  );
}

/**
 * Net revenue retention (NRR, net MRR retention) over a period: of the customers paying at
 * `from`, their MRR at `to` divided by their MRR at `from`. Expansion counts, contraction and
 * churn subtract, and customers who joined after `from` are left out. Above 1 (100%) the base
 * grows on its own. The MRR in force at an instant is set by the latest change at or before it,
 * summed over the customer's subscriptions. One pass, any order.
 *
 * @param changes - MRR changes `{ customerId, at, mrr, currency?, subscriptionId? }`, in any order.
 * @param options - See {@link RevenueOptions}.
 * @returns The rate (`null` when no customer paid at `from`) with the sums it used.
 * @throws {RetentionInputError} When an option or a change is invalid (a NaN or negative `mrr`,
 * an unparseable instant, mixed currencies without `convert`), naming the index and path; or when
 * two changes of one subscription at the same instant set different MRR.
 *
 * @example
 * const changes = [
 *   { customerId: 'a', at: '2025-03-01', mrr: 10000 },
 *   { customerId: 'a', at: '2025-09-01', mrr: 15000 }, // expands
 *   { customerId: 'b', at: '2025-05-01', mrr: 10000 },
 *   { customerId: 'b', at: '2025-11-01', mrr: 0 },     // churns
 *   { customerId: 'c', at: '2025-07-01', mrr: 50000 }, // new: not in the base
 * ];
 * netRevenueRetention(changes, { from: '2025-06-01', to: '2026-01-01' })
 * //=> { rate: 0.75, currency: null, customers: 2, startingMrr: 20000, endingMrr: 15000, expansion: 5000, contraction: 0, churn: 10000, churnedCustomers: 1 }
 *
 * @example
 * netRevenueRetention([], { from: '2026-01-01', to: '2026-02-01' }).rate
 * //=> null
 *
 * @example
 * netRevenueRetention(
 *   [{ customerId: 'a', at: '2025-01-01', mrr: 100, currency: 'USD' }, { customerId: 'b', at: '2025-01-01', mrr: 100, currency: 'EUR' }],
 *   { from: '2025-06-01', to: '2026-01-01' },
 * )
 * //=> throws 'netRevenueRetention: mrrChanges[1].currency has an invalid value: EUR differs from USD; pass options.currency and options.convert to combine currencies'
 *
 * @category metrics
 */
export function netRevenueRetention(
  changes: Iterable<MrrChange>,
  options: RevenueOptions,
): NetRevenueRetentionResult {
  const fn = 'netRevenueRetention';
  return new MrrLedger(
    { fn, root: 'mrrChanges' },
    KIND,
    resolveRevenueOptions(fn, options),
    false,
    project,
  )
    .addAll(changes)
    .result();
}
