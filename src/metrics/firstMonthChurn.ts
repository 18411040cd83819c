import type { Accumulator } from '../core/accumulator';
import type { Duration, DurationInput } from '../core/duration';
import { parseDuration } from '../core/duration';
import { failInput } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Lifetime } from '../core/records';
import type { JsonValue } from '../core/validate';
import {
  checkRecord,
  deadline,
  finiteOrNull,
  MetricAccumulator,
  optionalInstant,
  optionCohort,
  optionsObject,
  optionTimeZone,
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
 * Options of {@link firstMonthChurn}.
 *
 * @category metrics
 */
export interface FirstMonthChurnOptions {
  /** How long after the first start a customer must still be active. @defaultValue `'30d'` */
  readonly window?: DurationInput;
  /** Only customers whose first lifetime starts in `[from, to)` (a signup cohort). @defaultValue every customer */
  readonly cohort?: { readonly from: InstantInput; readonly to: InstantInput };
  /**
   * "Now": customers whose window ends after it are `pending` and left out of the rate.
   * @defaultValue none: every window counts as closed
   */
  readonly asOf?: InstantInput;
  /** The time zone of calendar windows (`{ months: 1 }`). @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * The answer of {@link firstMonthChurn}.
 *
 * @category metrics
 */
export interface FirstMonthChurnResult {
  /** `churned / (customers - pending)`, or `null` when that is 0. */
  readonly rate: number | null;
  /** Customers not active at `first start + window`. */
  readonly churned: number;
  /** Customers active at `first start + window`. */
  readonly retained: number;
  /** Customers in the cohort. */
  readonly customers: number;
  /** Customers whose window ends after `asOf`. */
  readonly pending: number;
}

interface Resolved {
  readonly window: Duration;
  readonly cohort: { from: Instant; to: Instant } | undefined;
  readonly asOf: Instant | undefined;
  readonly timeZone: string;
}

class FirstMonthChurnAccumulator extends MetricAccumulator<Lifetime, FirstMonthChurnResult> {
  /** Per customer, their lifetimes as `[start, end, start, end, ...]` (end Infinity while open). */
  private readonly spans = new Map<string, number[]>();

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/firstMonthChurn', {
      window: o.window as unknown as JsonValue,
      cohort: o.cohort ?? null,
      asOf: o.asOf ?? null,
      timeZone: o.timeZone,
    });
  }

  private push(id: string, start: number, end: number): void {
    const list = this.spans.get(id);
    if (list === undefined) this.spans.set(id, [start, end]);
    else list.push(start, end);
  }

  protected accept(lifetime: Lifetime, index: number): void {
    const site = this.site;
    checkRecord(lifetime, site, index);
    const id = readId(lifetime.customerId, site, index);
    const start = readInstant(lifetime.start, site, index, 'start');
    const end =
      lifetime.end === undefined
        ? Number.POSITIVE_INFINITY
        : readInstant(lifetime.end, site, index, 'end');
    if (end < start) {
      failInput(
        { fn: site.fn, path: [index, 'end'], root: site.root },
        { code: 'order', path: [], detail: 'the end is before the start' },
      );
    }
    this.push(id, start, end);
  }

  protected state(): JsonValue {
    const customers: JsonValue[] = [];
    for (const [id, list] of this.spans) customers.push([id, list.map(finiteOrNull)]);
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const id = snapString(fn, e[0], [...path, 0]);
      const list = snapArray(fn, e[1], [...path, 1]);
      for (let j = 0; j + 1 < list.length; j += 2) {
        this.push(
          id,
          snapNumber(fn, list[j], [...path, 1, j]),
          snapNullable(fn, list[j + 1], [...path, 1, j + 1], Number.POSITIVE_INFINITY),
        );
      }
    });
  }

  result(): FirstMonthChurnResult {
    const { cohort, asOf, window, timeZone } = this.o;
    let customers = 0;
    let churned = 0;
    let pending = 0;
    for (const list of this.spans.values()) {
      let first = Number.POSITIVE_INFINITY;
      for (let j = 0; j < list.length; j += 2) if (list[j]! < first) first = list[j]!;
      if (cohort !== undefined && (first < cohort.from || first >= cohort.to)) continue;
      customers++;
      const end = deadline(first, window, timeZone);
      if (asOf !== undefined && end > asOf) {
        pending++;
        continue;
      }
      let active = false;
      for (let j = 0; j < list.length && !active; j += 2) {
        active = list[j]! <= end && end < list[j + 1]!;
      }
      if (!active) churned++;
    }
    const decided = customers - pending;
    return {
      rate: decided > 0 ? churned / decided : null,
      churned,
      retained: decided - churned,
      customers,
      pending,
    };
  }
}

function resolve(fn: string, options: FirstMonthChurnOptions | undefined): Resolved {
  const o = optionsObject(fn, options);
  return {
    window: parseDuration(o.window ?? '30d', { fn, path: ['window'], root: 'options' }),
    cohort: optionCohort(fn, o.cohort),
    asOf: optionalInstant(fn, o.asOf, 'asOf'),
    timeZone: optionTimeZone(fn, o.timeZone),
  };
}

/**
 * Creates the accumulator form of {@link firstMonthChurn}. Memory grows with lifetimes (a few per
 * customer).
 *
 * @param options - See {@link FirstMonthChurnOptions}.
 * @returns An accumulator of lifetimes whose `result()` is a {@link FirstMonthChurnResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid lifetime.
 *
 * @example
 * const acc = firstMonthChurnAccumulator();
 * acc.add({ customerId: 'a', start: '2026-01-01', end: '2026-01-12' }).add({ customerId: 'b', start: '2026-01-03' });
 * acc.result().rate
 * //=> 0.5
 *
 * @category metrics
 */
export function firstMonthChurnAccumulator(
  options?: FirstMonthChurnOptions,
): Accumulator<Lifetime, FirstMonthChurnResult, MetricSnapshot> {
  const fn = 'firstMonthChurnAccumulator';
  return new FirstMonthChurnAccumulator({ fn, root: 'lifetimes' }, resolve(fn, options));
}

/**
 * First-month churn: the share of a signup cohort no longer active `window` (30 days by default)
 * after their first start. A customer is active at `t` when one of their lifetimes has
 * `start <= t < end`, so one who cancelled and came back within the window has not churned,
 * as in {@link churnRate}. One pass, any order.
 *
 * @param lifetimes - Lifetimes `{ customerId, start, end? }`, in any order.
 * @param options - See {@link FirstMonthChurnOptions}.
 * @returns The rate with its counts; `null` when no customer's window has closed.
 * @throws {RetentionInputError} When an option or a lifetime is invalid, naming the index and path.
 *
 * @example
 * const lifetimes = [
 *   { customerId: 'a', start: '2026-01-02T10:00:00Z', end: '2026-01-20T00:00:00Z' }, // left on day 18
 *   { customerId: 'b', start: '2026-01-05T10:00:00Z', end: '2026-03-01T00:00:00Z' }, // left later
 *   { customerId: 'c', start: '2026-01-09T10:00:00Z' },
 *   { customerId: 'd', start: '2026-01-28T10:00:00Z' },                             // window still open
 * ];
 * firstMonthChurn(lifetimes, { cohort: { from: '2026-01-01', to: '2026-02-01' }, asOf: '2026-02-15' })
 * //=> { rate: 1 / 3, churned: 1, retained: 2, customers: 4, pending: 1 }
 *
 * @category metrics
 */
export function firstMonthChurn(
  lifetimes: Iterable<Lifetime>,
  options?: FirstMonthChurnOptions,
): FirstMonthChurnResult {
  const fn = 'firstMonthChurn';
  return new FirstMonthChurnAccumulator({ fn, root: 'lifetimes' }, resolve(fn, options))
    .addAll(lifetimes)
    .result();
}
