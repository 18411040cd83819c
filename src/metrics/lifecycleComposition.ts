import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, RetentionError } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Granularity } from '../core/period';
import type { JsonValue } from '../core/validate';
import { CustomerIndex } from './customerIndex';
import type { MetricEvent } from './inputs';
import {
  checkRecord,
  finiteOrNull,
  MetricAccumulator,
  optionalInstant,
  optionEnum,
  optionsObject,
  optionTimeZone,
  optionTypes,
  readId,
  readInstant,
  readType,
  type Site,
  snapArray,
  snapNullable,
  snapNumber,
  snapString,
} from './internal';
import { bucketsOf, PeriodBits, PeriodKeyCache } from './periodBits';
import type { MetricSnapshot } from './snapshot';

/**
 * Options of {@link lifecycleComposition}.
 *
 * @category metrics
 */
export interface LifecycleCompositionOptions {
  /** The size of a period. */
  readonly granularity: Granularity;
  /** The event type(s) that make a customer active in a period. @defaultValue any event */
  readonly activeEvent?: string | readonly string[];
  /** The IANA time zone whose calendar defines the periods. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** First day of a week period, 0 (Sunday) to 6. @defaultValue `1` (Monday) */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  /**
   * "Now": events after it are ignored, and the period containing it is in progress.
   * @defaultValue the latest event in the data
   */
  readonly asOf?: InstantInput;
  /** Only report periods from the one containing `from` on (history before it still counts). @defaultValue the first active period */
  readonly from?: InstantInput;
}

/**
 * The composition of one period.
 *
 * @category metrics
 */
export interface LifecyclePeriod {
  /** The period's label: `'2026-03-02'` (day, week), `'2026-03'`, `'2026-Q1'`, `'2026'`. */
  readonly label: string;
  /** First instant of the period. */
  readonly from: Instant;
  /** First instant after it. */
  readonly to: Instant;
  /** Active in this period, and first seen (their first event of any type) in it. */
  readonly new: number;
  /** Active in this period and in the previous one. */
  readonly returning: number;
  /** Active in this period, not in the previous one, and first seen before it. */
  readonly resurrecting: number;
  /** Active in the previous period but not in this one (PostHog draws them below zero). */
  readonly dormant: number;
  /** `new + returning + resurrecting`. */
  readonly active: number;
  /** Whether the period contains `asOf`. */
  readonly inProgress: boolean;
}

/**
 * The answer of {@link lifecycleComposition}: one entry per period up to `asOf`.
 *
 * @category metrics
 */
export interface LifecycleCompositionResult {
  readonly granularity: Granularity;
  readonly timeZone: string;
  /** The `asOf` used (epoch ms), or `null` without events. */
  readonly asOf: Instant | null;
  readonly periods: readonly LifecyclePeriod[];
}

const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month', 'quarter', 'year'];
const NO_KEY = 0x7fffffff;
const MAX_PERIODS = 1_000_000;

interface Resolved {
  readonly granularity: Granularity;
  readonly active: ReadonlySet<string> | undefined;
  readonly timeZone: string;
  readonly weekStartsOn: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  readonly asOf: Instant | undefined;
  readonly from: Instant | undefined;
}

function resolve(fn: string, options: LifecycleCompositionOptions): Resolved {
  const o = optionsObject(fn, options);
  if (o.granularity === undefined) {
    failInput({ fn, path: ['granularity'], root: 'options' }, { code: 'required', path: [] });
  }
  const weekStartsOn = o.weekStartsOn ?? 1;
  if (!(Number.isInteger(weekStartsOn) && weekStartsOn >= 0 && weekStartsOn <= 6)) {
    failInput(
      { fn, path: ['weekStartsOn'], root: 'options' },
      {
        code: 'out_of_range',
        path: [],
        expected: 'an integer 0-6',
        received: describeType(weekStartsOn),
      },
    );
  }
  const active = optionTypes(fn, o.activeEvent, 'activeEvent', false);
  return {
    granularity: optionEnum(fn, o.granularity, 'granularity', GRANULARITIES, 'month'),
    active: active === undefined ? undefined : new Set(active),
    timeZone: optionTimeZone(fn, o.timeZone),
    weekStartsOn,
    asOf: optionalInstant(fn, o.asOf, 'asOf'),
    from: optionalInstant(fn, o.from, 'from'),
  };
}

/** Per customer: the key of the period they were first seen in, and their active periods. */
class LifecycleCompositionAccumulator extends MetricAccumulator<
  MetricEvent,
  LifecycleCompositionResult
> {
  private readonly index = new CustomerIndex();
  /** Per customer: head word 0 the key of the period first seen in, then the active bits. */
  private readonly bits = new PeriodBits([NO_KEY]);
  private latest = Number.NEGATIVE_INFINITY;
  private readonly periodKeys: PeriodKeyCache;

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/lifecycleComposition', {
      granularity: o.granularity,
      activeEvent: o.active === undefined ? null : [...o.active].sort(),
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
      asOf: o.asOf ?? null,
      from: o.from ?? null,
    });
    this.periodKeys = new PeriodKeyCache(o.granularity, {
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
    });
  }

  private row(id: string): number {
    const row = this.index.row(id);
    if (row >= this.bits.rows) this.bits.ensureRows(row + 1);
    return row;
  }

  protected accept(event: MetricEvent, index: number): void {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    if (this.o.asOf !== undefined && at > this.o.asOf) return;
    if (at > this.latest) this.latest = at;
    const key = this.periodKeys.keyOf(at);
    const row = this.row(id);
    this.bits.lowerHead(row, key);
    if (this.o.active === undefined || this.o.active.has(type)) this.bits.set(row, key);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      customers.push([ids[row]!, this.bits.headOf(row), this.bits.keys(row)]);
    }
    return { latest: finiteOrNull(this.latest), customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const s = state as { latest?: unknown; customers?: unknown } | null;
    const latest = snapNullable(
      fn,
      s?.latest ?? null,
      ['state', 'latest'],
      Number.NEGATIVE_INFINITY,
    );
    if (latest > this.latest) this.latest = latest;
    snapArray(fn, s?.customers, ['state', 'customers']).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const row = this.row(snapString(fn, e[0], [...path, 0]));
      this.bits.lowerHead(row, snapNumber(fn, e[1], [...path, 1]));
      snapArray(fn, e[2], [...path, 2]).forEach((k, j) => {
        this.bits.set(row, snapNumber(fn, k, [...path, 2, j]));
      });
    });
  }

  result(): LifecycleCompositionResult {
    const o = this.o;
    const asOf = o.asOf ?? (this.latest === Number.NEGATIVE_INFINITY ? undefined : this.latest);
    const base = { granularity: o.granularity, timeZone: o.timeZone, asOf: asOf ?? null };
    if (asOf === undefined) return { ...base, periods: [] };
    const asOfKey = this.periodKeys.keyOf(asOf);
    const n = this.index.size;
    let first = NO_KEY;
    const bits = this.bits;
    if (o.from !== undefined) first = this.periodKeys.keyOf(o.from);
    else {
      // one visitor for every row (a closure per row would allocate per customer)
      const lower = (k: number) => {
        if (k < first) first = k;
      };
      for (let row = 0; row < n; row++) bits.forEach(row, lower);
    }
    if (first === NO_KEY || first > asOfKey) return { ...base, periods: [] };
    const count = asOfKey - first + 1;
    if (count > MAX_PERIODS) {
      throw new RetentionError(
        'limit_exceeded',
        `${this.site.fn}: more than ${MAX_PERIODS} periods; choose a coarser granularity or options.from`,
      );
    }
    // Per period: new, returning, resurrecting, dormant.
    const table = new Float64Array(count * 4);
    // the row being classified, read by `classify` (one visitor for every row)
    let row = 0;
    let created = 0;
    const classify = (key: number) => {
      const p = key - first;
      if (p >= 0 && p < count) {
        const slot = key === created ? 0 : bits.has(row, key - 1) ? 1 : 2;
        table[p * 4 + slot]!++;
      }
      if (p + 1 >= 0 && p + 1 < count && !bits.has(row, key + 1)) table[(p + 1) * 4 + 3]!++;
    };
    for (row = 0; row < n; row++) {
      created = bits.headOf(row);
      bits.forEach(row, classify);
    }
    const buckets = bucketsOf(first, asOfKey, o.granularity, {
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
    });
    const periods: LifecyclePeriod[] = buckets.map((bucket, p) => {
      const fresh = table[p * 4]!;
      const returning = table[p * 4 + 1]!;
      const resurrecting = table[p * 4 + 2]!;
      return {
        label: bucket.label,
        from: bucket.from,
        to: bucket.to,
        new: fresh,
        returning,
        resurrecting,
        dormant: table[p * 4 + 3]!,
        active: fresh + returning + resurrecting,
        inProgress: first + p === asOfKey,
      };
    });
    return { ...base, periods };
  }
}

/**
 * Creates the accumulator form of {@link lifecycleComposition}. Memory grows with customers
 * times periods, never with events.
 *
 * @param options - See {@link LifecycleCompositionOptions}.
 * @returns An accumulator of events whose `result()` is a {@link LifecycleCompositionResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid event.
 *
 * @example
 * const options = { granularity: 'month', asOf: '2026-03-31' } as const;
 * const jan = lifecycleCompositionAccumulator(options).add({ customerId: 'a', type: 'login', at: '2026-01-10' });
 * const mar = lifecycleCompositionAccumulator(options).add({ customerId: 'a', type: 'login', at: '2026-03-03' });
 * jan.merge(mar).result().periods.map((p) => [p.label, p.new, p.dormant, p.resurrecting])
 * //=> [['2026-01', 1, 0, 0], ['2026-02', 0, 1, 0], ['2026-03', 0, 0, 1]]
 *
 * @category metrics
 */
export function lifecycleCompositionAccumulator(
  options: LifecycleCompositionOptions,
): Accumulator<MetricEvent, LifecycleCompositionResult, MetricSnapshot> {
  const fn = 'lifecycleCompositionAccumulator';
  return new LifecycleCompositionAccumulator({ fn, root: 'events' }, resolve(fn, options));
}

/**
 * The lifecycle of active customers per period, as PostHog's lifecycle insight defines it:
 * **new** (active, and first seen in this period), **returning** (active in this period and the
 * previous one), **resurrecting** (active, not in the previous period, first seen before) and
 * **dormant** (active in the previous period, not in this one). A customer is first seen at
 * their first event of any type; `activeEvent` picks the events that make them active. One pass
 * over events in any order; memory grows with customers times periods.
 *
 * @param events - Activity events `{ customerId, type, at }`, in any order.
 * @param options - See {@link LifecycleCompositionOptions}.
 * @returns One entry per period from the first active one (or `from`) to `asOf`.
 * @throws {RetentionInputError} When an option or an event is invalid, naming the index and path.
 *
 * @example
 * const events = [
 *   { customerId: 'a', type: 'login', at: '2026-01-03T10:00:00Z' },
 *   { customerId: 'a', type: 'login', at: '2026-02-07T10:00:00Z' }, // returning in February
 *   { customerId: 'b', type: 'login', at: '2026-01-15T10:00:00Z' }, // dormant in February
 *   { customerId: 'b', type: 'login', at: '2026-03-01T10:00:00Z' }, // resurrecting in March
 *   { customerId: 'c', type: 'login', at: '2026-03-09T10:00:00Z' }, // new in March
 * ];
 * lifecycleComposition(events, { granularity: 'month', asOf: '2026-03-20T00:00:00Z' }).periods.map(
 *   (p) => [p.label, p.new, p.returning, p.resurrecting, p.dormant],
 * )
 * //=> [['2026-01', 2, 0, 0, 0], ['2026-02', 0, 1, 0, 1], ['2026-03', 1, 0, 1, 1]]
 *
 * @category metrics
 */
export function lifecycleComposition(
  events: Iterable<MetricEvent>,
  options: LifecycleCompositionOptions,
): LifecycleCompositionResult {
  const fn = 'lifecycleComposition';
  return new LifecycleCompositionAccumulator({ fn, root: 'events' }, resolve(fn, options))
    .addAll(events)
    .result();
}
