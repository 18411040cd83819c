import type { Accumulator } from '../core/accumulator';
import type { MrrChange } from '../core/records';
import { MrrLedger, type RevenueOptions, resolveRevenueOptions } from './mrrLedger';
import type { MetricSnapshot } from './snapshot';

/**
 * The answer of {@link grossRevenueRetention}. `retainedMrr = startingMrr - contraction - churn`.
 *
 * @category metrics
 */
export interface GrossRevenueRetentionResult {
  /** `retainedMrr / startingMrr`, within [0, 1], or `null` when no customer paid at `from`. */
  readonly rate: number | null;
  /** The currency of every amount, or `null` when no change named one. */
  readonly currency: string | null;
  /** Customers with MRR > 0 at `from` (the base). */
  readonly customers: number;
  /** The base's MRR at `from`. */
  readonly startingMrr: number;
  /** The sum over the base of `min(MRR at to, MRR at from)`: expansion does not count. */
  readonly retainedMrr: number;
  /** Decreases of base customers still paying at `to`. */
  readonly contraction: number;
  /** The MRR at `from` of base customers paying nothing at `to`. */
  readonly churn: number;
  /** Base customers paying nothing at `to`. */
  readonly churnedCustomers: number;
}

const KIND = 'retention-kit/grossRevenueRetention';

function project(ledger: MrrLedger<GrossRevenueRetentionResult>): GrossRevenueRetentionResult {
  const b = ledger.totals().base;
  const retainedMrr = b.startingMrr - b.contraction - b.churn;
  return {
    rate: b.startingMrr > 0 ? retainedMrr / b.startingMrr : null,
    currency: b.currency,
    customers: b.customers,
    startingMrr: b.startingMrr,
    retainedMrr,
    contraction: b.contraction,
    churn: b.churn,
    churnedCustomers: b.churnedCustomers,
  };
}

/**
 * Creates the accumulator form of {@link grossRevenueRetention}. Memory grows with
 * subscriptions, not with changes.
 *
 * @param options - See {@link RevenueOptions}.
 * @returns An accumulator of MRR changes whose `result()` is a {@link GrossRevenueRetentionResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid change.
 *
 * @example
 * const acc = grossRevenueRetentionAccumulator({ from: '2026-01-01', to: '2027-01-01' });
 * acc.addAll([
 *   { customerId: 'a', at: '2025-06-01', mrr: 1000 },
 *   { customerId: 'a', at: '2026-06-01', mrr: 1500 },
 * ]).result().rate
 * //=> 1
 *
 * @category metrics
 */
export function grossRevenueRetentionAccumulator(
  options: RevenueOptions,
): Accumulator<MrrChange, GrossRevenueRetentionResult, MetricSnapshot> {
  const fn = 'grossRevenueRetentionAccumulator';
  return new MrrLedger(
    { fn, root: 'mrrChanges' },
    KIND,
    resolveRevenueOptions(fn, options),
    false,
    project,
  );
}

/**
 * Gross revenue retention (GRR, gross MRR retention) over a period: of the customers paying at
 * `from`, the MRR they kept at `to`, each capped at what they paid at `from`, divided by their
 * MRR at `from`. Contraction and churn subtract, expansion does not add, so GRR is within [0, 1]
 * and never above NRR. One pass, any order.
 *
 * @param changes - MRR changes `{ customerId, at, mrr, currency?, subscriptionId? }`, in any order.
 * @param options - See {@link RevenueOptions}.
 * @returns The rate (`null` when no customer paid at `from`) with the sums it used.
 * @throws {RetentionInputError} When an option or a change is invalid, naming the index and path;
 * or when two changes of one subscription at the same instant set different MRR.
 *
 * @example
 * const changes = [
 *   { customerId: 'a', at: '2025-03-01', mrr: 10000 },
 *   { customerId: 'a', at: '2025-09-01', mrr: 15000 }, // expansion: capped at 10000
 *   { customerId: 'b', at: '2025-05-01', mrr: 10000 },
 *   { customerId: 'b', at: '2025-11-01', mrr: 6000 },  // contraction: 4000
 * ];
 * grossRevenueRetention(changes, { from: '2025-06-01', to: '2026-01-01' }).rate
 * //=> 0.8
 *
 * @category metrics
 */
export function grossRevenueRetention(
  changes: Iterable<MrrChange>,
  options: RevenueOptions,
): GrossRevenueRetentionResult {
  const fn = 'grossRevenueRetention';
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
