import type { Accumulator } from '../core/accumulator';
import type { Instant, InstantInput } from '../core/instant';
import type { JsonValue } from '../core/validate';
import { CustomerIndex } from './customerIndex';
import type { MetricEvent } from './inputs';
import {
  checkRecord,
  finiteOrNull,
  growF64,
  MetricAccumulator,
  optionInstant,
  optionsObject,
  optionTypes,
  readId,
  readInstant,
  readType,
  type Site,
  snapArray,
  snapNullable,
  snapString,
} from './internal';
import type { MetricSnapshot } from './snapshot';
import { type DurationSummary, kaplanMeier, observedSummary } from './survival';

/**
 * Options of {@link timeToFirstValue}.
 *
 * @category metrics
 */
export interface TimeToFirstValueOptions {
  /** The event type(s) that start the clock, e.g. `'signup'` or `'login'` (the first counts). */
  readonly start: string | readonly string[];
  /** The event type(s) that mean the customer got value, e.g. `'report_created'`. */
  readonly value: string | readonly string[];
  /**
   * "Now": events after it are ignored, and customers who have not reached value by then are
   * censored at `asOf - start`.
   */
  readonly asOf: InstantInput;
}

/**
 * The answer of {@link timeToFirstValue}. Durations are milliseconds. `median`, `p75`, `p90` and
 * `mean` come from the Kaplan-Meier estimate, so customers still waiting for value count as
 * censored instead of being dropped; `amongReached` summarises only those who reached it.
 *
 * @category metrics
 */
export interface TimeToFirstValueResult extends DurationSummary {
  /** Customers with a start event at or before `asOf`: `reached + censored`. */
  readonly customers: number;
  /** Customers who reached value by `asOf`. */
  readonly reached: number;
  /** Customers who had not reached value by `asOf` (censored). */
  readonly censored: number;
  /** The plain summary over the customers who reached value. */
  readonly amongReached: DurationSummary;
  /**
   * Customers whose first value event came before their first start event; they count as
   * reaching value at the start (duration 0).
   */
  readonly valueBeforeStart: number;
  /** Customers with value events but no start event (not in the population). */
  readonly withoutStart: number;
}

interface Resolved {
  readonly start: ReadonlySet<string>;
  readonly value: ReadonlySet<string>;
  readonly asOf: Instant;
}

class TimeToFirstValueAccumulator extends MetricAccumulator<MetricEvent, TimeToFirstValueResult> {
  private readonly index = new CustomerIndex();
  private firstStart = new Float64Array(0);
  private firstValue = new Float64Array(0);

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/timeToFirstValue', {
      start: [...o.start].sort(),
      value: [...o.value].sort(),
      asOf: o.asOf,
    });
  }

  private row(id: string): number {
    const row = this.index.row(id);
    if (row >= this.firstStart.length) {
      this.firstStart = growF64(this.firstStart, row + 1, Number.POSITIVE_INFINITY);
      this.firstValue = growF64(this.firstValue, row + 1, Number.POSITIVE_INFINITY);
    }
    return row;
  }

  private fold(row: number, start: number, value: number): void {
    if (start < this.firstStart[row]!) this.firstStart[row] = start;
    if (value < this.firstValue[row]!) this.firstValue[row] = value;
  }

  protected accept(event: MetricEvent, index: number): void {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    if (at > this.o.asOf) return;
    const isStart = this.o.start.has(type);
    const isValue = this.o.value.has(type);
    if (!isStart && !isValue) return;
    const inf = Number.POSITIVE_INFINITY;
    this.fold(this.row(id), isStart ? at : inf, isValue ? at : inf);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      customers.push([
        ids[row]!,
        finiteOrNull(this.firstStart[row]!),
        finiteOrNull(this.firstValue[row]!),
      ]);
    }
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const inf = Number.POSITIVE_INFINITY;
    snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      this.fold(
        this.row(snapString(fn, e[0], [...path, 0])),
        snapNullable(fn, e[1], [...path, 1], inf),
        snapNullable(fn, e[2], [...path, 2], inf),
      );
    });
  }

  result(): TimeToFirstValueResult {
    const n = this.index.size;
    const durations = new Float64Array(n);
    const reachedFlags = new Uint8Array(n);
    const observed = new Float64Array(n);
    let customers = 0;
    let reached = 0;
    let valueBeforeStart = 0;
    let withoutStart = 0;
    for (let row = 0; row < n; row++) {
      const start = this.firstStart[row]!;
      const value = this.firstValue[row]!;
      if (start === Number.POSITIVE_INFINITY) {
        withoutStart++;
        continue;
      }
      if (value === Number.POSITIVE_INFINITY) {
        durations[customers] = this.o.asOf - start;
      } else {
        if (value < start) valueBeforeStart++;
        const d = Math.max(0, value - start);
        durations[customers] = d;
        reachedFlags[customers] = 1;
        observed[reached++] = d;
      }
      customers++;
    }
    return {
      customers,
      reached,
      censored: customers - reached,
      ...kaplanMeier(durations, reachedFlags, customers),
      amongReached: observedSummary(observed, reached),
      valueBeforeStart,
      withoutStart,
    };
  }
}

function resolve(fn: string, options: TimeToFirstValueOptions): Resolved {
  const o = optionsObject(fn, options);
  return {
    start: new Set(optionTypes(fn, o.start, 'start', true)),
    value: new Set(optionTypes(fn, o.value, 'value', true)),
    asOf: optionInstant(fn, o.asOf, 'asOf'),
  };
}

/**
 * Creates the accumulator form of {@link timeToFirstValue}. Memory grows with customers, not
 * events.
 *
 * @param options - See {@link TimeToFirstValueOptions}.
 * @returns An accumulator of events whose `result()` is a {@link TimeToFirstValueResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid event.
 *
 * @example
 * const options = { start: 'signup', value: 'report_created', asOf: '2026-02-01' };
 * const acc = timeToFirstValueAccumulator(options).add({ customerId: 'a', type: 'signup', at: '2026-01-01' });
 * acc.merge(timeToFirstValueAccumulator(options).add({ customerId: 'a', type: 'report_created', at: '2026-01-03' }));
 * acc.result().median / 86_400_000
 * //=> 2
 *
 * @category metrics
 */
export function timeToFirstValueAccumulator(
  options: TimeToFirstValueOptions,
): Accumulator<MetricEvent, TimeToFirstValueResult, MetricSnapshot> {
  const fn = 'timeToFirstValueAccumulator';
  return new TimeToFirstValueAccumulator({ fn, root: 'events' }, resolve(fn, options));
}

/**
 * Time to first value (TTFV): per customer, the time from their first start event (signup or
 * first login) to their first value event, summarised over customers. Customers who have not
 * reached value by `asOf` are right-censored at `asOf - start`, not dropped: the median, p75, p90
 * and mean come from the Kaplan-Meier estimate (a quantile is `null` while too many customers are
 * still waiting to know it; the mean is restricted to the longest observed time), and
 * `amongReached` gives the plain summary over those who reached value. One pass, any order.
 *
 * @param events - Activity events `{ customerId, type, at }`, in any order; other types are ignored.
 * @param options - See {@link TimeToFirstValueOptions}.
 * @returns Both counts and the summaries, in milliseconds.
 * @throws {RetentionInputError} When an option or an event is invalid, naming the index and path.
 *
 * @example
 * const day = 86_400_000;
 * const events = [
 *   { customerId: 'a', type: 'signup', at: '2026-01-01T09:00:00Z' },
 *   { customerId: 'a', type: 'report_created', at: '2026-01-02T09:00:00Z' }, // 1 day
 *   { customerId: 'b', type: 'signup', at: '2026-01-01T09:00:00Z' },
 *   { customerId: 'b', type: 'report_created', at: '2026-01-04T09:00:00Z' }, // 3 days
 *   { customerId: 'c', type: 'signup', at: '2026-01-05T09:00:00Z' },         // still waiting
 * ];
 * const ttfv = timeToFirstValue(events, { start: 'signup', value: 'report_created', asOf: '2026-01-10T09:00:00Z' });
 * [ttfv.reached, ttfv.censored, ttfv.median / day, ttfv.amongReached.mean / day]
 * //=> [2, 1, 3, 2]
 *
 * @category metrics
 */
export function timeToFirstValue(
  events: Iterable<MetricEvent>,
  options: TimeToFirstValueOptions,
): TimeToFirstValueResult {
  const fn = 'timeToFirstValue';
  return new TimeToFirstValueAccumulator({ fn, root: 'events' }, resolve(fn, options))
    .addAll(events)
    .result();
}
