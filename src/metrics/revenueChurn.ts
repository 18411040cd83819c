import type { Accumulator } from '../core/accumulator';
import type { MrrChange } from '../core/records';
import { optionEnum } from './internal';
import { MrrLedger, type RevenueOptions, resolveRevenueOptions } from './mrrLedger';
import type { MetricSnapshot } from './snapshot';

/**
 * Which MRR movements {@link revenueChurn} counts:
 *
 * - `'movements'`: every churn, contraction, expansion and reactivation movement of the period,
 *   including those of customers who joined during it (ChartMogul's standard formula, Baremetrics).
 * - `'startingCustomers'`: only the net change of each customer paying at `from`, so that
 *   `gross = 1 - GRR` and `net = 1 - NRR`.
 *
 * @category metrics
 */
export type RevenueChurnBasis = 'movements' | 'startingCustomers';

/**
 * Options of {@link revenueChurn}.
 *
 * @category metrics
 */
export interface RevenueChurnOptions extends RevenueOptions {
  /** Which movements count, see {@link RevenueChurnBasis}. @defaultValue `'movements'` */
  readonly basis?: RevenueChurnBasis;
}

/**
 * The answer of {@link revenueChurn}. Not proportions of one base: on the `'movements'` basis the
 * gross rate can exceed 1 (customers who joined and left within the period), and the net rate is
 * negative when expansion outweighs churn ("net negative churn").
 *
 * @category metrics
 */
export interface RevenueChurnResult {
  /** The basis used. */
  readonly basis: RevenueChurnBasis;
  /** `(churn + contraction) / startingMrr`, or `null` when `startingMrr` is 0. */
  readonly gross: number | null;
  /** `(churn + contraction - expansion - reactivation) / startingMrr`, or `null`. */
  readonly net: number | null;
  /** The currency of every amount, or `null` when no change named one. */
  readonly currency: string | null;
  /** MRR in force at `from`. */
  readonly startingMrr: number;
  /** Churned MRR counted. */
  readonly churn: number;
  /** Contraction MRR counted. */
  readonly contraction: number;
  /** Expansion MRR counted. */
  readonly expansion: number;
  /** Reactivation MRR counted (always 0 on the `'startingCustomers'` basis). */
  readonly reactivation: number;
}

const KIND = 'retention-kit/revenueChurn';
const BASES: readonly RevenueChurnBasis[] = ['movements', 'startingCustomers'];

function make(fn: string, options: RevenueChurnOptions): MrrLedger<RevenueChurnResult> {
  const o = resolveRevenueOptions(fn, options);
  const basis = optionEnum(fn, options.basis, 'basis', BASES, 'movements');
  const finish = (
    startingMrr: number,
    churn: number,
    contraction: number,
    expansion: number,
    reactivation: number,
    currency: string | null,
  ): RevenueChurnResult => ({
    basis,
    gross: startingMrr > 0 ? (churn + contraction) / startingMrr : null,
    net: startingMrr > 0 ? (churn + contraction - expansion - reactivation) / startingMrr : null,
    currency,
    startingMrr,
    churn,
    contraction,
    expansion,
    reactivation,
  });
  const project =
    basis === 'movements'
      ? (ledger: MrrLedger<RevenueChurnResult>) => {
          const totals = ledger.totals();
          const m = ledger.movementTotals();
          return finish(
            totals.startingMrr,
            m.churnMrr,
            m.contractionMrr,
            m.expansionMrr,
            m.reactivationMrr,
            totals.currency ?? null,
          );
        }
      : (ledger: MrrLedger<RevenueChurnResult>) => {
          const b = ledger.totals().base;
          return finish(b.startingMrr, b.churn, b.contraction, b.expansion, 0, b.currency);
        };
  return new MrrLedger({ fn, root: 'mrrChanges' }, KIND, o, basis === 'movements', project, {
    basis,
  });
}

/**
 * Creates the accumulator form of {@link revenueChurn}.
 *
 * @param options - See {@link RevenueChurnOptions}.
 * @returns An accumulator of MRR changes whose `result()` is a {@link RevenueChurnResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid change.
 *
 * @example
 * const acc = revenueChurnAccumulator({ from: '2026-01-01', to: '2026-02-01' });
 * acc.add({ customerId: 'a', at: '2025-12-01', mrr: 4000 }).add({ customerId: 'a', at: '2026-01-09', mrr: 3000 });
 * acc.result().gross
 * //=> 0.25
 *
 * @category metrics
 */
export function revenueChurnAccumulator(
  options: RevenueChurnOptions,
): Accumulator<MrrChange, RevenueChurnResult, MetricSnapshot> {
  return make('revenueChurnAccumulator', options);
}

/**
 * Revenue (MRR) churn over a period, gross and net. Gross: the MRR lost to churn and contraction,
 * divided by the MRR at `from`. Net: the same, offset by expansion and reactivation. By default
 * every movement of the period counts, as in ChartMogul's standard formula; the
 * `'startingCustomers'` basis counts only the customers paying at `from` (see
 * {@link RevenueChurnBasis}). One pass, any order.
 *
 * @param changes - MRR changes `{ customerId, at, mrr, currency?, subscriptionId? }`, in any order.
 * @param options - See {@link RevenueChurnOptions}.
 * @returns Both rates (`null` when the MRR at `from` is 0) with the sums they used.
 * @throws {RetentionInputError} When an option or a change is invalid, naming the index and path;
 * or when two changes of one subscription at the same instant set different MRR.
 *
 * @example
 * // ChartMogul's published example: $100 MRR at the start; $10 lost to churn, $10 to
 * // contraction, one customer expands by $10. Gross 20%, net 10%.
 * const changes = [
 *   { customerId: 'a', at: '2025-12-01', mrr: 1000 },
 *   { customerId: 'b', at: '2025-12-01', mrr: 2000 },
 *   { customerId: 'c', at: '2025-12-01', mrr: 7000 },
 *   { customerId: 'a', at: '2026-01-10', mrr: 0 },    // churn $10
 *   { customerId: 'b', at: '2026-01-12', mrr: 1000 }, // contraction $10
 *   { customerId: 'c', at: '2026-01-20', mrr: 8000 }, // expansion $10
 * ];
 * const r = revenueChurn(changes, { from: '2026-01-01', to: '2026-02-01' });
 * [r.gross, r.net]
 * //=> [0.2, 0.1]
 *
 * @category metrics
 */
export function revenueChurn(
  changes: Iterable<MrrChange>,
  options: RevenueChurnOptions,
): RevenueChurnResult {
  return make('revenueChurn', options).addAll(changes).result();
}
