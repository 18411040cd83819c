import type { Accumulator } from '../core/accumulator';
import type { MrrChange } from '../core/records';
import { MrrLedger, type RevenueOptions, resolveRevenueOptions } from './mrrLedger';
import type { MetricSnapshot } from './snapshot';

/**
 * One kind of MRR movement over a period: its total, the customers it came from, and how many
 * movements there were.
 *
 * @category metrics
 */
export interface MrrMovement {
  /** The MRR moved, in minor units (always >= 0; the kind tells the direction). */
  readonly mrr: number;
  /** Distinct customers with at least one movement of this kind. */
  readonly customers: number;
  /** Movements of this kind (a customer may have several). */
  readonly count: number;
}

/**
 * The answer of {@link mrrMovements}. `endingMrr = startingMrr + newBusiness + expansion +
 * reactivation - contraction - churn` always holds.
 *
 * @category metrics
 */
export interface MrrMovementsResult {
  /** The currency of every amount, or `null` when no change named one. */
  readonly currency: string | null;
  /** Total MRR in force at `from`. */
  readonly startingMrr: number;
  /** Total MRR in force at `to`. */
  readonly endingMrr: number;
  /** Customers with MRR > 0 at `from`. */
  readonly customersAtStart: number;
  /** Customers with MRR > 0 at `to`. */
  readonly customersAtEnd: number;
  /** A customer's MRR going from 0 to > 0 for the first time ever. */
  readonly newBusiness: MrrMovement;
  /** A paying customer's MRR going up. */
  readonly expansion: MrrMovement;
  /** A paying customer's MRR going down, but not to 0. */
  readonly contraction: MrrMovement;
  /** A customer's MRR going to 0 (the MRR they had). */
  readonly churn: MrrMovement;
  /** A former customer's MRR going from 0 to > 0 again. */
  readonly reactivation: MrrMovement;
  /** `newBusiness + expansion + reactivation - contraction - churn`. */
  readonly netNewMrr: number;
}

const KIND = 'retention-kit/mrrMovements';

function project(ledger: MrrLedger<MrrMovementsResult>): MrrMovementsResult {
  const totals = ledger.totals();
  const m = ledger.movementTotals();
  const { startingMrr, endingMrr, customersAtStart, customersAtEnd } = totals;
  return {
    currency: totals.currency ?? null,
    startingMrr,
    endingMrr,
    customersAtStart,
    customersAtEnd,
    newBusiness: { mrr: m.newMrr, customers: m.newCustomers, count: m.newCount },
    expansion: { mrr: m.expansionMrr, customers: m.expansionCustomers, count: m.expansionCount },
    contraction: {
      mrr: m.contractionMrr,
      customers: m.contractionCustomers,
      count: m.contractionCount,
    },
    churn: { mrr: m.churnMrr, customers: m.churnCustomers, count: m.churnCount },
    reactivation: {
      mrr: m.reactivationMrr,
      customers: m.reactivationCustomers,
      count: m.reactivationCount,
    },
    netNewMrr: m.newMrr + m.expansionMrr + m.reactivationMrr - m.contractionMrr - m.churnMrr,
  };
}

/**
 * Creates the accumulator form of {@link mrrMovements}: `add` MRR changes in any order and any
 * partition, `merge` partitions (live or as snapshots), read `result()`. Memory grows with the
 * subscriptions and with the changes inside the period.
 *
 * @param options - See {@link RevenueOptions}.
 * @returns An accumulator of MRR changes whose `result()` is a {@link MrrMovementsResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid change.
 *
 * @example
 * const acc = mrrMovementsAccumulator({ from: '2026-01-01', to: '2026-02-01' });
 * acc.add({ customerId: 'a', at: '2026-01-10', mrr: 5000 });
 * acc.merge(mrrMovementsAccumulator({ from: '2026-01-01', to: '2026-02-01' }).add({ customerId: 'a', at: '2026-01-20', mrr: 7000 }));
 * [acc.result().newBusiness.mrr, acc.result().expansion.mrr]
 * //=> [5000, 2000]
 *
 * @category metrics
 */
export function mrrMovementsAccumulator(
  options: RevenueOptions,
): Accumulator<MrrChange, MrrMovementsResult, MetricSnapshot> {
  const fn = 'mrrMovementsAccumulator';
  return new MrrLedger(
    { fn, root: 'mrrChanges' },
    KIND,
    resolveRevenueOptions(fn, options),
    true,
    project,
  );
}

/**
 * Classifies the MRR changes of a period as ChartMogul does: **new business** (a customer's MRR
 * goes from 0 to > 0 for the first time ever), **expansion** (up), **contraction** (down, not to
 * 0), **churn** (to 0) and **reactivation** (from 0 to > 0 for a customer who paid before). Each
 * change `{ customerId, at, mrr, currency?, subscriptionId? }` sets that subscription's MRR from
 * `at` on; a customer's MRR is the sum over their subscriptions, so cancelling one of two
 * subscriptions is a contraction. The period runs from the MRR in force at `from` to the MRR in
 * force at `to`: the movements are the changes with `from < at <= to`, and changes of one
 * customer at the same instant are classified together.
 *
 * @param changes - MRR changes, in any order.
 * @param options - See {@link RevenueOptions}.
 * @returns The five movement kinds with totals, customers and counts, and the opening and closing
 * MRR.
 * @throws {RetentionInputError} When an option or a change is invalid (a negative or NaN `mrr`, an
 * unparseable instant, a currency that differs from the others without `convert`), naming the
 * index and path; or when two changes of one subscription at the same instant set different MRR.
 *
 * @example
 * const changes = [
 *   { customerId: 'a', at: '2025-12-01', mrr: 10000 },
 *   { customerId: 'a', at: '2026-01-15', mrr: 12000 }, // expansion: +2000
 *   { customerId: 'b', at: '2025-11-01', mrr: 5000 },
 *   { customerId: 'b', at: '2026-01-20', mrr: 0 },     // churn: 5000
 *   { customerId: 'c', at: '2026-01-05', mrr: 3000 },  // new business: 3000
 * ];
 * const m = mrrMovements(changes, { from: '2026-01-01', to: '2026-02-01' });
 * [m.startingMrr, m.newBusiness.mrr, m.expansion.mrr, m.churn.mrr, m.endingMrr]
 * //=> [15000, 3000, 2000, 5000, 15000]
 *
 * @example
 * mrrMovements([{ customerId: 'a', at: '2026-01-05', mrr: Number.NaN }], { from: '2026-01-01', to: '2026-02-01' })
 * //=> throws 'mrrMovements: mrrChanges[0].mrr is not a valid amount (...; received NaN)'
 *
 * @category metrics
 */
export function mrrMovements(
  changes: Iterable<MrrChange>,
  options: RevenueOptions,
): MrrMovementsResult {
  const fn = 'mrrMovements';
  return new MrrLedger(
    { fn, root: 'mrrChanges' },
    KIND,
    resolveRevenueOptions(fn, options),
    true,
    project,
  )
    .addAll(changes)
    .result();
}
