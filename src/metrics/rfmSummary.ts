import { describeType, failInput } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import { type Granularity, periodKeyFn } from '../core/period';
import { isValidTimeZone } from '../core/timeZone';
import { at, requireNumber, requireObject, type Where } from './input';

/**
 * An order as {@link rfmSummary} reads it: who, when and, for monetary summaries, how much.
 * An `Order` record of the core model fits.
 *
 * @category metrics
 */
export interface RfmOrder {
  readonly customerId: string;
  readonly at: InstantInput;
  /** Order value (e.g. integer minor units). Required when `monetary` is `true`. */
  readonly total?: number;
}

/**
 * Options of {@link rfmSummary}.
 *
 * @category metrics
 */
export interface RfmSummaryOptions {
  /** End of the calibration period (inclusive): later orders are ignored, and `T` runs to it. */
  readonly calibrationEnd: InstantInput;
  /** The time unit of `recency` and `T`: calendar periods of `timeZone`. */
  readonly unit: Granularity;
  /** IANA time zone whose calendar defines the periods. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** First day of a `'week'` period, 0 (Sunday) to 6. @defaultValue `1` (Monday) */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  /** Also compute `monetaryValue`, the mean value of the repeat purchases. @defaultValue `false` */
  readonly monetary?: boolean;
}

/**
 * One customer's frequency, recency and age, ready for {@link fitBgNbd} (and, with
 * `monetaryValue`, for {@link fitGammaGamma}).
 *
 * @category metrics
 */
export interface RfmRow {
  readonly customerId: string;
  /** Repeat purchases: periods with an order, after the first one. */
  readonly frequency: number;
  /** Periods from the first purchase to the last one (0 without repeat purchases). */
  readonly recency: number;
  /** Periods from the first purchase to the calibration end. */
  readonly T: number;
  /** Mean value per repeat period (orders of one period summed), 0 without repeat purchases. Present when `monetary` is `true`. */
  readonly monetaryValue?: number;
}

const FN = 'rfmSummary';
const UNITS: readonly Granularity[] = ['day', 'week', 'month', 'quarter', 'year'];

interface Acc {
  first: number;
  last: number;
  periods: Map<number, number>;
}

/**
 * Turns an order log into the (frequency, recency, T) summary the BG/NBD model takes, the step
 * users of lifetimes most often get wrong. Times are counted in whole calendar periods of `unit`
 * in `timeZone`, as lifetimes does with its `freq`: all orders of a customer in one period count
 * as one purchase (their totals summed), the first purchase period is not a repeat, `recency` is
 * the number of periods from the first purchase period to the last, and `T` from the first purchase
 * period to the period of `calibrationEnd`. Orders after `calibrationEnd` are ignored, and so are
 * customers whose first order comes after it. Rows come sorted by `customerId`.
 *
 * @param orders - Orders in any order.
 * @param options - See {@link RfmSummaryOptions}; `calibrationEnd` and `unit` are required.
 * @returns One row per customer with an order by `calibrationEnd`.
 * @throws {RetentionInputError} When an order has no customer id, an invalid instant, or (with
 * `monetary`) a missing or negative total, or when an option is invalid.
 *
 * @example
 * rfmSummary(
 *   [
 *     { customerId: 'a', at: '2026-01-01T10:00:00Z', total: 100 },
 *     { customerId: 'a', at: '2026-01-01T18:00:00Z', total: 50 }, // same day: one purchase
 *     { customerId: 'a', at: '2026-01-05T09:00:00Z', total: 300 },
 *     { customerId: 'a', at: '2026-01-09T09:00:00Z', total: 100 },
 *     { customerId: 'b', at: '2026-01-08T12:00:00Z', total: 80 },
 *   ],
 *   { calibrationEnd: '2026-01-10T00:00:00Z', unit: 'day', monetary: true },
 * )
 * //=> [{ customerId: 'a', frequency: 2, recency: 8, T: 9, monetaryValue: 200 }, { customerId: 'b', frequency: 0, recency: 0, T: 2, monetaryValue: 0 }]
 *
 * @category metrics
 */
export function rfmSummary(orders: Iterable<RfmOrder>, options: RfmSummaryOptions): RfmRow[] {
  const opt: Where = { fn: FN, root: 'options', path: [] };
  requireObject(options, opt);
  const end = toInstant(options.calibrationEnd, {
    fn: FN,
    root: 'options',
    path: ['calibrationEnd'],
  });
  if (!UNITS.includes(options.unit))
    failInput(at(opt, 'unit'), {
      code: 'invalid_enum',
      path: [],
      expected: "'day', 'week', 'month', 'quarter' or 'year'",
    });
  const timeZone = options.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))
    failInput(at(opt, 'timeZone'), { code: 'invalid_time_zone', path: [] });
  const weekStartsOn = options.weekStartsOn ?? 1;
  requireNumber(weekStartsOn, at(opt, 'weekStartsOn'), { min: 0, max: 6, integer: true });
  const monetary = options.monetary === true;
  const key = periodKeyFn(options.unit, { timeZone, weekStartsOn });
  const endKey = key(end);
  const byCustomer = new Map<string, Acc>();
  let index = 0;
  for (const raw of orders) {
    const where: Where = { fn: FN, root: 'orders', path: [index] };
    const o = requireObject(raw, where);
    if (typeof o.customerId !== 'string' || o.customerId === '')
      failInput(at(where, 'customerId'), {
        code: 'invalid_type',
        path: [],
        expected: 'a non-empty string',
        received: describeType(o.customerId),
      });
    const instant = toInstant(o.at as InstantInput, {
      fn: FN,
      root: 'orders',
      path: [index, 'at'],
    });
    const value = monetary ? requireNumber(o.total, at(where, 'total'), { min: 0 }) : 0;
    index++;
    if (instant > end) continue;
    const k = key(instant);
    const id = o.customerId;
    const acc = byCustomer.get(id);
    if (acc === undefined) {
      byCustomer.set(id, { first: k, last: k, periods: new Map([[k, value]]) });
      continue;
    }
    acc.periods.set(k, (acc.periods.get(k) ?? 0) + value);
    if (k < acc.first) acc.first = k;
    if (k > acc.last) acc.last = k;
  }
  const ids = [...byCustomer.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ids.map((customerId) => {
    const acc = byCustomer.get(customerId)!;
    const frequency = acc.periods.size - 1;
    const row = {
      customerId,
      frequency,
      recency: acc.last - acc.first,
      T: endKey - acc.first,
    };
    if (!monetary) return row;
    let repeat = 0;
    for (const [k, v] of acc.periods) if (k !== acc.first) repeat += v;
    return { ...row, monetaryValue: frequency === 0 ? 0 : repeat / frequency };
  });
}
