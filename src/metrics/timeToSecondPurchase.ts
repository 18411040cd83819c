import type { Accumulator } from '../core/accumulator';
import type { InstantInput } from '../core/instant';
import type { MetricOrder } from './inputs';
import { optionalInstant, optionsObject } from './internal';
import { FirstTwoOrders } from './purchases';
import type { MetricSnapshot } from './snapshot';
import { type DurationSummary, kaplanMeier, observedSummary } from './survival';

/**
 * Options of {@link timeToSecondPurchase}.
 *
 * @category metrics
 */
export interface TimeToSecondPurchaseOptions {
  /**
   * "Now": orders after it are ignored, and one-time buyers are censored at `asOf - first order`.
   * @defaultValue the latest order in the data
   */
  readonly asOf?: InstantInput;
}

/**
 * The answer of {@link timeToSecondPurchase}. Durations are milliseconds. `median`, `p75`, `p90`
 * and `mean` come from the Kaplan-Meier estimate, one-time buyers counting as censored;
 * `amongReached` summarises only the repeat buyers.
 *
 * @category metrics
 */
export interface TimeToSecondPurchaseResult extends DurationSummary {
  /** Customers with a first order at or before `asOf`. */
  readonly customers: number;
  /** Customers with a second order (repeat buyers). */
  readonly reached: number;
  /** One-time buyers so far (censored). */
  readonly censored: number;
  /** The plain summary over repeat buyers. */
  readonly amongReached: DurationSummary;
  /** The `asOf` used (epoch ms), or `null` without orders. */
  readonly asOf: number | null;
}

function make(fn: string, options: TimeToSecondPurchaseOptions | undefined) {
  const o = optionsObject(fn, options);
  const asOf = optionalInstant(fn, o.asOf, 'asOf');
  return new FirstTwoOrders<TimeToSecondPurchaseResult>(
    { fn, root: 'orders' },
    'retention-kit/timeToSecondPurchase',
    { asOf: asOf ?? null },
    asOf,
    (s) => {
      const n = s.index.size;
      const now = asOf ?? s.latest;
      const durations = new Float64Array(n);
      const reachedFlags = new Uint8Array(n);
      const observed = new Float64Array(n);
      let reached = 0;
      for (let row = 0; row < n; row++) {
        const second = s.second[row]!;
        if (second === Number.POSITIVE_INFINITY) durations[row] = now - s.first[row]!;
        else {
          const d = second - s.first[row]!;
          durations[row] = d;
          reachedFlags[row] = 1;
          observed[reached++] = d;
        }
      }
      return {
        customers: n,
        reached,
        censored: n - reached,
        ...kaplanMeier(durations, reachedFlags, n),
        amongReached: observedSummary(observed, reached),
        asOf: n > 0 ? now : null,
      };
    },
  );
}

/**
 * Creates the accumulator form of {@link timeToSecondPurchase}. Memory grows with customers, not
 * orders.
 *
 * @param options - See {@link TimeToSecondPurchaseOptions}.
 * @returns An accumulator of orders whose `result()` is a {@link TimeToSecondPurchaseResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid order.
 *
 * @example
 * const acc = timeToSecondPurchaseAccumulator().add({ customerId: 'a', at: '2026-01-01' });
 * acc.merge(timeToSecondPurchaseAccumulator().add({ customerId: 'a', at: '2026-01-11' })).result().median / 86_400_000
 * //=> 10
 *
 * @category metrics
 */
export function timeToSecondPurchaseAccumulator(
  options?: TimeToSecondPurchaseOptions,
): Accumulator<MetricOrder, TimeToSecondPurchaseResult, MetricSnapshot> {
  return make('timeToSecondPurchaseAccumulator', options);
}

/**
 * Time from a customer's first order to their second, summarised over customers. One-time buyers
 * are right-censored at `asOf` (by default the latest order in the data) instead of being
 * dropped: the median, p75, p90 and mean come from the Kaplan-Meier estimate (a quantile is
 * `null` while too many customers have not come back to know it; the mean is restricted to the
 * longest observed time), and `amongReached` summarises the repeat buyers alone. One pass, any
 * order.
 *
 * @param orders - Orders `{ customerId, at }` (every `Order` fits), in any order.
 * @param options - See {@link TimeToSecondPurchaseOptions}.
 * @returns Both counts and the summaries, in milliseconds.
 * @throws {RetentionInputError} When an option or an order is invalid, naming the index and path.
 *
 * @example
 * const day = 86_400_000;
 * const orders = [
 *   { customerId: 'a', at: '2026-01-01T10:00:00Z' },
 *   { customerId: 'a', at: '2026-01-11T10:00:00Z' }, // 10 days
 *   { customerId: 'b', at: '2026-01-02T10:00:00Z' },
 *   { customerId: 'b', at: '2026-01-22T10:00:00Z' }, // 20 days
 *   { customerId: 'c', at: '2026-01-03T10:00:00Z' }, // not back yet
 * ];
 * const t = timeToSecondPurchase(orders, { asOf: '2026-03-01T10:00:00Z' });
 * [t.reached, t.censored, t.median / day, t.amongReached.median / day]
 * //=> [2, 1, 20, 10]
 *
 * @category metrics
 */
export function timeToSecondPurchase(
  orders: Iterable<MetricOrder>,
  options?: TimeToSecondPurchaseOptions,
): TimeToSecondPurchaseResult {
  return make('timeToSecondPurchase', options).addAll(orders).result();
}
