import type { Accumulator } from '../core/accumulator';
import { failInput } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Lifetime } from '../core/records';
import type { JsonValue } from '../core/validate';
import { CustomerIndex } from './customerIndex';
import {
  checkRecord,
  finiteOrNull,
  growF64,
  MetricAccumulator,
  optionEnum,
  optionPeriod,
  optionsObject,
  readId,
  readInstant,
  type Site,
  snapArray,
  snapNullable,
  snapNumber,
  snapString,
} from './internal';
import type { MetricSnapshot } from './snapshot';

/**
 * How {@link churnRate} builds its denominator:
 *
 * - `'start'`: the customers active at `from` (ChartMogul's standard B2B formula, Baremetrics,
 *   ProfitWell). Customers who join during the period do not count, whether they stay or leave.
 * - `'startPlusNew'`: the customers active at `from` plus the new customers of the period, whose
 *   departures count as churn too (Stripe's subscriber churn rate).
 * - `'average'`: the average of the customers active at `from` and at `to`, with departures of
 *   the base and of new customers in the numerator. This is not a proportion: it can exceed 1
 *   when most of the base is replaced within the period.
 *
 * @category metrics
 */
export type ChurnRateMethod = 'start' | 'startPlusNew' | 'average';

/**
 * Options of {@link churnRate}.
 *
 * @category metrics
 */
export interface ChurnRateOptions {
  /** The start of the period: the base is the customers active at this instant. */
  readonly from: InstantInput;
  /** The end of the period: customers of the base not active at this instant have churned. */
  readonly to: InstantInput;
  /** The denominator, see {@link ChurnRateMethod}. @defaultValue `'start'` */
  readonly method?: ChurnRateMethod;
}

/**
 * The answer of {@link churnRate}, with every count it was computed from.
 *
 * @category metrics
 */
export interface ChurnRateResult {
  /** The method used. */
  readonly method: ChurnRateMethod;
  /** `churned / denominator`, or `null` when the denominator is 0. */
  readonly rate: number | null;
  /** The customers counted as churned by this method. */
  readonly churned: number;
  /** The denominator: `atStart`, `atStart + newCustomers`, or `(atStart + atEnd) / 2`. */
  readonly denominator: number;
  /** Customers active at `from` (the base). */
  readonly atStart: number;
  /** Customers active at `to`. */
  readonly atEnd: number;
  /** Customers of the base not active at `to`. */
  readonly churnedFromStart: number;
  /** Customers whose first lifetime started after `from` and at or before `to`. */
  readonly newCustomers: number;
  /** New customers not active at `to` (joined and left within the period). */
  readonly churnedNew: number;
  /**
   * Former customers (a lifetime before `from`, not active at `from`) who started a lifetime
   * after `from` and at or before `to`. No method counts them in the denominator.
   */
  readonly reactivated: number;
}

const METHODS: readonly ChurnRateMethod[] = ['start', 'startPlusNew', 'average'];
const AT_FROM = 1;
const AT_TO = 2;
const STARTED_IN = 4;

interface ResolvedOptions {
  readonly from: Instant;
  readonly to: Instant;
  readonly method: ChurnRateMethod;
}

function resolve(fn: string, options: ChurnRateOptions): ResolvedOptions {
  const o = optionsObject(fn, options);
  const { from, to } = optionPeriod(fn, o.from, o.to);
  return { from, to, method: optionEnum(fn, o.method, 'method', METHODS, 'start') };
}

/** Per customer: the flags above and the first start. O(customers) memory. */
class ChurnRateAccumulator extends MetricAccumulator<Lifetime, ChurnRateResult> {
  private readonly index = new CustomerIndex();
  /** Per customer, side by side (one cache line): the flags and the first start. */
  private cells = new Float64Array(0);

  constructor(
    site: Site,
    private readonly o: ResolvedOptions,
  ) {
    super(site, 'retention-kit/churnRate', { from: o.from, to: o.to, method: o.method });
  }

  private row(id: string): number {
    const row = this.index.row(id);
    if (2 * row >= this.cells.length) {
      const old = this.cells.length;
      this.cells = growF64(this.cells, 2 * row + 2, 0);
      for (let k = old + 1; k < this.cells.length; k += 2) this.cells[k] = Number.POSITIVE_INFINITY;
    }
    return row;
  }

  private fold(row: number, flags: number, start: number): void {
    const s = this.cells;
    s[2 * row] = s[2 * row]! | flags;
    if (start < s[2 * row + 1]!) s[2 * row + 1] = start;
  }

  protected accept(lifetime: Lifetime, index: number): void {
    const site = this.site;
    checkRecord(lifetime, site, index);
    const id = readId(lifetime.customerId, site, index);
    const start = readInstant(lifetime.start, site, index, 'start');
    const rawEnd = lifetime.end;
    const end =
      rawEnd === undefined ? Number.POSITIVE_INFINITY : readInstant(rawEnd, site, index, 'end');
    if (end < start) {
      failInput(
        { fn: site.fn, path: [index, 'end'], root: site.root },
        { code: 'order', path: [], detail: 'the end is before the start' },
      );
    }
    const { from, to } = this.o;
    let flags = 0;
    if (start <= from && from < end) flags |= AT_FROM;
    if (start <= to && to < end) flags |= AT_TO;
    if (start > from && start <= to) flags |= STARTED_IN;
    this.fold(this.row(id), flags, start);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      customers.push([ids[row]!, this.cells[2 * row]!, finiteOrNull(this.cells[2 * row + 1]!)]);
    }
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const list = snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]);
    list.forEach((entry, i) => {
      const e = snapArray(fn, entry, ['state', 'customers', i]);
      const id = snapString(fn, e[0], ['state', 'customers', i, 0]);
      const flags = snapNumber(fn, e[1], ['state', 'customers', i, 1]);
      const start = snapNullable(fn, e[2], ['state', 'customers', i, 2], Number.POSITIVE_INFINITY);
      this.fold(this.row(id), flags & 7, start);
    });
  }

  result(): ChurnRateResult {
    const { from, to, method } = this.o;
    let atStart = 0;
    let atEnd = 0;
    let churnedFromStart = 0;
    let newCustomers = 0;
    let churnedNew = 0;
    let reactivated = 0;
    const n = this.index.size;
    const state = this.cells;
    for (let row = 0; row < n; row++) {
      const f = state[2 * row]!;
      const atFrom = (f & AT_FROM) !== 0;
      const atTo = (f & AT_TO) !== 0;
      if (atFrom) atStart++;
      if (atTo) atEnd++;
      if (atFrom && !atTo) churnedFromStart++;
      const s = state[2 * row + 1]!;
      if (s > from && s <= to) {
        newCustomers++;
        if (!atTo) churnedNew++;
      } else if (!atFrom && s <= from && (f & STARTED_IN) !== 0) reactivated++;
    }
    let churned: number;
    let denominator: number;
    if (method === 'start') {
      churned = churnedFromStart;
      denominator = atStart;
    } else {
      churned = churnedFromStart + churnedNew;
      denominator = method === 'startPlusNew' ? atStart + newCustomers : (atStart + atEnd) / 2;
    }
    return {
      method,
      rate: denominator > 0 ? churned / denominator : null,
      churned,
      denominator,
      atStart,
      atEnd,
      churnedFromStart,
      newCustomers,
      churnedNew,
      reactivated,
    };
  }
}

/**
 * Creates the accumulator form of {@link churnRate}: feed lifetimes with `add`/`addAll` (in any
 * order, in any partition), combine partitions with `merge` (a live accumulator or its
 * `snapshot()`), and read the answer with `result()`. Memory grows with the number of customers,
 * not lifetimes.
 *
 * @param options - See {@link ChurnRateOptions}.
 * @returns An accumulator of lifetimes whose `result()` is a {@link ChurnRateResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid lifetime,
 * naming its index (counted from the first record added to this accumulator).
 *
 * @example
 * const from = '2026-01-01T00:00:00Z';
 * const to = '2026-02-01T00:00:00Z';
 * const a = churnRateAccumulator({ from, to }).add({ customerId: 'a', start: '2025-06-01', end: '2026-01-10' });
 * const b = churnRateAccumulator({ from, to }).add({ customerId: 'b', start: '2025-09-01' });
 * a.merge(b.snapshot()).result().rate
 * //=> 0.5
 *
 * @category metrics
 */
export function churnRateAccumulator(
  options: ChurnRateOptions,
): Accumulator<Lifetime, ChurnRateResult, MetricSnapshot> {
  const fn = 'churnRateAccumulator';
  return new ChurnRateAccumulator({ fn, root: 'lifetimes' }, resolve(fn, options));
}

/**
 * Customer churn rate over a period, from lifetimes (`{ customerId, start, end? }`, several per
 * customer when they left and came back). A customer is active at `t` when one of their lifetimes
 * has `start <= t < end`. By default (ChartMogul's standard formula) the base is the customers
 * active at `from` and the churned are those of the base not active at `to`: a customer who left
 * and came back within the period has not churned, and one who joined and left within it is not
 * counted. Other denominators: see {@link ChurnRateMethod}. One pass, any order.
 *
 * @param lifetimes - Lifetimes of all customers, in any order.
 * @param options - See {@link ChurnRateOptions}.
 * @returns The rate with its counts; `rate` is `null` when the denominator is 0.
 * @throws {RetentionInputError} When an option or a lifetime is invalid (an unparseable instant,
 * an end before its start), naming the record's index and path.
 *
 * @example
 * const lifetimes = [
 *   { customerId: 'a', start: '2025-11-03T10:00:00Z' },                             // stays
 *   { customerId: 'b', start: '2025-12-01T09:00:00Z', end: '2026-01-12T00:00:00Z' }, // churns
 *   { customerId: 'c', start: '2025-10-20T08:00:00Z', end: '2026-01-05T00:00:00Z' }, // leaves...
 *   { customerId: 'c', start: '2026-01-20T08:00:00Z' },                             // ...and returns
 *   { customerId: 'd', start: '2026-01-08T12:00:00Z', end: '2026-01-25T00:00:00Z' }, // joins and leaves
 * ];
 * const january = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
 * churnRate(lifetimes, january)
 * //=> { method: 'start', rate: 1 / 3, churned: 1, denominator: 3, atStart: 3, atEnd: 2, churnedFromStart: 1, newCustomers: 1, churnedNew: 1, reactivated: 0 }
 *
 * @example
 * const lifetimes = [
 *   { customerId: 'a', start: '2025-11-03T10:00:00Z' },
 *   { customerId: 'b', start: '2025-12-01T09:00:00Z', end: '2026-01-12T00:00:00Z' },
 *   { customerId: 'd', start: '2026-01-08T12:00:00Z', end: '2026-01-25T00:00:00Z' },
 * ];
 * churnRate(lifetimes, { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', method: 'startPlusNew' }).rate
 * //=> 2 / 3
 *
 * @example
 * churnRate([], { from: '2026-01-01', to: '2026-02-01' }).rate
 * //=> null
 *
 * @example
 * churnRate([{ customerId: 'a', start: '2026-01-10', end: '2026-01-02' }], { from: '2026-01-01', to: '2026-02-01' })
 * //=> throws 'churnRate: lifetimes[0].end is out of order: the end is before the start'
 *
 * @category metrics
 */
export function churnRate(
  lifetimes: Iterable<Lifetime>,
  options: ChurnRateOptions,
): ChurnRateResult {
  const fn = 'churnRate';
  return new ChurnRateAccumulator({ fn, root: 'lifetimes' }, resolve(fn, options))
    .addAll(lifetimes)
    .result();
}
