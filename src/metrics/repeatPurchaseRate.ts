import type { Accumulator } from '../core/accumulator';
import type { Duration, DurationInput } from '../core/duration';
import { parseDuration } from '../core/duration';
import type { Instant, InstantInput } from '../core/instant';
import type { JsonValue } from '../core/validate';
import type { MetricOrder } from './inputs';
import { deadline, optionalInstant, optionCohort, optionsObject, optionTimeZone } from './internal';
import { FirstTwoOrders } from './purchases';
import type { MetricSnapshot } from './snapshot';

/**
 * Options of {@link repeatPurchaseRate}.
 *
 * @category metrics
 */
export interface RepeatPurchaseRateOptions {
  /** How soon after the first order the second must come. @defaultValue `'90d'` */
  readonly within?: DurationInput;
  /** Only customers whose first order lies in `[from, to)`. @defaultValue every customer */
  readonly cohort?: { readonly from: InstantInput; readonly to: InstantInput };
  /**
   * "Now": orders after it are ignored, and one-time buyers whose window is still open are
   * `pending`, left out of the rate. @defaultValue none: every window counts as closed
   */
  readonly asOf?: InstantInput;
  /** The time zone of calendar windows (`{ months: 3 }`). @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * The answer of {@link repeatPurchaseRate}.
 *
 * @category metrics
 */
export interface RepeatPurchaseRateResult {
  /** `repeated / (customers - pending)`, or `null` when that is 0. */
  readonly rate: number | null;
  /** Customers whose second order came within the window. */
  readonly repeated: number;
  /** Customers in the cohort (with a first order). */
  readonly customers: number;
  /** One-time buyers whose window is still open at `asOf`. */
  readonly pending: number;
}

interface Resolved {
  readonly within: Duration;
  readonly cohort: { from: Instant; to: Instant } | undefined;
  readonly asOf: Instant | undefined;
  readonly timeZone: string;
}

function make(fn: string, options: RepeatPurchaseRateOptions | undefined) {
  const raw = optionsObject(fn, options);
  const o: Resolved = {
    within: parseDuration(raw.within ?? '90d', { fn, path: ['within'], root: 'options' }),
    cohort: optionCohort(fn, raw.cohort),
    asOf: optionalInstant(fn, raw.asOf, 'asOf'),
    timeZone: optionTimeZone(fn, raw.timeZone),
  };
  const json: JsonValue = {
    within: o.within as unknown as JsonValue,
    cohort: o.cohort ?? null,
    asOf: o.asOf ?? null,
    timeZone: o.timeZone,
  };
  return new FirstTwoOrders<RepeatPurchaseRateResult>(
    { fn, root: 'orders' },
    'retention-kit/repeatPurchaseRate',
    json,
    o.asOf,
    (s) => {
      let customers = 0;
      let repeated = 0;
      let pending = 0;
      for (let row = 0; row < s.index.size; row++) {
        const first = s.first[row]!;
        if (o.cohort !== undefined && (first < o.cohort.from || first >= o.cohort.to)) continue;
        customers++;
        const end = deadline(first, o.within, o.timeZone);
        if (s.second[row]! < end) repeated++;
        else if (o.asOf !== undefined && end > o.asOf) pending++;
      }
      const decided = customers - pending;
      return { rate: decided > 0 ? repeated / decided : null, repeated, customers, pending };
    },
  );
}

/**
 * Creates the accumulator form of {@link repeatPurchaseRate}. Memory grows with customers, not
 * orders.
 *
 * @param options - See {@link RepeatPurchaseRateOptions}.
 * @returns An accumulator of orders whose `result()` is a {@link RepeatPurchaseRateResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid order.
 *
 * @example
 * const acc = repeatPurchaseRateAccumulator({ within: '90d' });
 * acc.add({ customerId: 'a', at: '2026-01-01' }).add({ customerId: 'b', at: '2026-01-01' });
 * acc.merge(repeatPurchaseRateAccumulator({ within: '90d' }).add({ customerId: 'a', at: '2026-02-01' })).result().rate
 * //=> 0.5
 *
 * @category metrics
 */
export function repeatPurchaseRateAccumulator(
  options?: RepeatPurchaseRateOptions,
): Accumulator<MetricOrder, RepeatPurchaseRateResult, MetricSnapshot> {
  return make('repeatPurchaseRateAccumulator', options);
}

/**
 * Repeat-purchase rate: the share of customers whose second order came within `within` (90 days
 * by default) of their first, i.e. before `first + within`. With `asOf`, one-time buyers whose
 * window is still open are `pending` and left out. One pass, any order.
 *
 * @param orders - Orders `{ customerId, at }` (every `Order` fits), in any order.
 * @param options - See {@link RepeatPurchaseRateOptions}.
 * @returns The rate with its counts.
 * @throws {RetentionInputError} When an option or an order is invalid, naming the index and path.
 *
 * @example
 * const orders = [
 *   { customerId: 'a', at: '2026-01-05T10:00:00Z' },
 *   { customerId: 'a', at: '2026-02-20T18:00:00Z' }, // second order on day 46
 *   { customerId: 'b', at: '2026-01-09T12:00:00Z' },
 *   { customerId: 'b', at: '2026-06-01T09:00:00Z' }, // too late
 *   { customerId: 'c', at: '2026-04-15T15:00:00Z' }, // one order so far, window still open
 * ];
 * repeatPurchaseRate(orders, { within: '90d', asOf: '2026-06-30T00:00:00Z' })
 * //=> { rate: 0.5, repeated: 1, customers: 3, pending: 1 }
 *
 * @category metrics
 */
export function repeatPurchaseRate(
  orders: Iterable<MetricOrder>,
  options?: RepeatPurchaseRateOptions,
): RepeatPurchaseRateResult {
  return make('repeatPurchaseRate', options).addAll(orders).result();
}
