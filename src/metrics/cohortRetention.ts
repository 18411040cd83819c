import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, RetentionError } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Granularity } from '../core/period';
import type { JsonValue } from '../core/validate';
import { BlockIds, CustomerIndex } from './customerIndex';
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
  typeMatcher,
} from './internal';
import { bucketsOf, cachedPeriodKey, PeriodBits } from './periodBits';
import type { MetricSnapshot } from './snapshot';

/**
 * When a customer counts as retained in period N after their cohort's period (PostHog's
 * retention criteria):
 *
 * - `'on'`: they did the return event in period N itself.
 * - `'onOrAfter'`: they did it in period N or any later one ("unbounded" or "rolling" retention).
 *
 * @category metrics
 */
export type RetentionCriterion = 'on' | 'onOrAfter';

/**
 * Options of {@link cohortRetention}.
 *
 * @category metrics
 */
export interface CohortRetentionOptions {
  /** The size of a period: cohorts and the periods after them are calendar buckets. */
  readonly granularity: Granularity;
  /** See {@link RetentionCriterion}. @defaultValue `'on'` */
  readonly criterion?: RetentionCriterion;
  /** The event type(s) whose first-ever occurrence puts a customer in a cohort. @defaultValue any event */
  readonly startEvent?: string | readonly string[];
  /** The event type(s) that count as coming back. @defaultValue any event */
  readonly returnEvent?: string | readonly string[];
  /** The IANA time zone whose calendar defines the periods. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** First day of a week period, 0 (Sunday) to 6. @defaultValue `1` (Monday) */
  readonly weekStartsOn?: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  /**
   * "Now": events after it are ignored, and the period containing it is in progress.
   * @defaultValue the latest event in the data
   */
  readonly asOf?: InstantInput;
  /**
   * Only cohorts from the period containing `from` on; customers whose first start event is
   * earlier belong to no cohort. @defaultValue the first cohort in the data
   */
  readonly from?: InstantInput;
  /** Most period columns per cohort (Period 0 to Period periods-1). @defaultValue up to `asOf` */
  readonly periods?: number;
}

/**
 * One cell of a cohort table: period N after the cohort's own period.
 *
 * @category metrics
 */
export interface CohortRetentionCell {
  /** N: 0 is the cohort's own period (always the whole cohort). */
  readonly period: number;
  /** Customers of the cohort retained in this period, by the criterion. */
  readonly retained: number;
  /** `retained / size`, or `null` for an empty cohort. */
  readonly rate: number | null;
  /** Whether the period contains `asOf` (still running: the number may grow). */
  readonly inProgress: boolean;
}

/**
 * One row of a cohort table: the customers whose first start event fell in one period.
 *
 * @category metrics
 */
export interface CohortRetentionRow {
  /** The period's label: `'2026-03-02'` (day, week), `'2026-03'`, `'2026-Q1'`, `'2026'`. */
  readonly label: string;
  /** First instant of the cohort's period. */
  readonly from: Instant;
  /** First instant after it. */
  readonly to: Instant;
  /** Customers in the cohort. */
  readonly size: number;
  /** Whether the cohort's own period contains `asOf` (the cohort may still grow). */
  readonly inProgress: boolean;
  /** Periods 0, 1, ... up to the one containing `asOf` (or `periods` of them). */
  readonly periods: readonly CohortRetentionCell[];
}

/**
 * The answer of {@link cohortRetention}: one row per period from the first cohort to `asOf`,
 * empty cohorts included.
 *
 * @category metrics
 */
export interface CohortRetentionResult {
  readonly granularity: Granularity;
  readonly criterion: RetentionCriterion;
  readonly timeZone: string;
  /** The `asOf` used (epoch ms), or `null` without events. */
  readonly asOf: Instant | null;
  readonly cohorts: readonly CohortRetentionRow[];
}

const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month', 'quarter', 'year'];
const CRITERIA: readonly RetentionCriterion[] = ['on', 'onOrAfter'];
const NO_KEY = 0x7fffffff;
const NO_RETURN = -0x80000000;
/** Guard against tables that would not fit in memory (a typo spanning centuries of days). */
const MAX_CELLS = 5_000_000;

interface Resolved {
  readonly granularity: Granularity;
  readonly criterion: RetentionCriterion;
  readonly start: ReadonlySet<string> | undefined;
  readonly ret: ReadonlySet<string> | undefined;
  readonly timeZone: string;
  readonly weekStartsOn: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  readonly asOf: Instant | undefined;
  readonly from: Instant | undefined;
  readonly periods: number | undefined;
}

function resolve(fn: string, options: CohortRetentionOptions): Resolved {
  const o = optionsObject(fn, options);
  if (o.granularity === undefined) {
    failInput({ fn, path: ['granularity'], root: 'options' }, { code: 'required', path: [] });
  }
  const granularity = optionEnum(fn, o.granularity, 'granularity', GRANULARITIES, 'month');
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
  if (o.periods !== undefined && !(Number.isInteger(o.periods) && o.periods >= 1)) {
    failInput(
      { fn, path: ['periods'], root: 'options' },
      {
        code: 'out_of_range',
        path: [],
        expected: 'an integer >= 1',
        received: describeType(o.periods),
      },
    );
  }
  const start = optionTypes(fn, o.startEvent, 'startEvent', false);
  const ret = optionTypes(fn, o.returnEvent, 'returnEvent', false);
  return {
    granularity,
    criterion: optionEnum(fn, o.criterion, 'criterion', CRITERIA, 'on'),
    start: start === undefined ? undefined : new Set(start),
    ret: ret === undefined ? undefined : new Set(ret),
    timeZone: optionTimeZone(fn, o.timeZone),
    weekStartsOn,
    asOf: optionalInstant(fn, o.asOf, 'asOf'),
    from: optionalInstant(fn, o.from, 'from'),
    periods: o.periods,
  };
}

/**
 * Per customer: the key of their cohort (first start event) and either the keys of the periods
 * they came back in (`'on'`) or only the latest one (`'onOrAfter'`).
 */
class CohortRetentionAccumulator extends MetricAccumulator<MetricEvent, CohortRetentionResult> {
  private readonly index = new CustomerIndex();
  /** Per customer: head word 0 the cohort key, word 1 the last return key ('onOrAfter'), then return bits ('on'). */
  private readonly bits: PeriodBits;
  private latest = Number.NEGATIVE_INFINITY;
  private readonly keyOf: (instant: number) => number;
  private readonly rolling: boolean;
  private readonly isStart: (type: string) => boolean;
  private readonly isReturn: (type: string) => boolean;

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/cohortRetention', {
      granularity: o.granularity,
      criterion: o.criterion,
      startEvent: o.start === undefined ? null : [...o.start].sort(),
      returnEvent: o.ret === undefined ? null : [...o.ret].sort(),
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
      asOf: o.asOf ?? null,
      from: o.from ?? null,
      periods: o.periods ?? null,
    });
    this.keyOf = cachedPeriodKey(o.granularity, {
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
    });
    this.rolling = o.criterion === 'onOrAfter';
    this.isStart = typeMatcher(o.start === undefined ? undefined : [...o.start]);
    this.isReturn = typeMatcher(o.ret === undefined ? undefined : [...o.ret]);
    this.bits = new PeriodBits(this.rolling ? [NO_KEY, NO_RETURN] : [NO_KEY]);
  }

  private readonly block = new BlockIds();

  /** The row of `id` (see {@link BlockIds.row} for `j`), with room in the bits. */
  private row(id: string, j?: number): number {
    const row = this.block.row(this.index, id, j);
    if (row >= this.bits.rows) this.bits.ensureRows(row + 1);
    return row;
  }

  protected override prefetchBlock(events: readonly MetricEvent[], n: number): void {
    const block = this.block;
    for (let j = 0; j < n; j++) {
      const e = events[j];
      let id: string | undefined;
      if (typeof e === 'object' && e !== null) {
        const c = e.customerId;
        const t = e.type;
        if (
          typeof c === 'string' &&
          typeof t === 'string' &&
          (this.isStart(t) || this.isReturn(t))
        ) {
          id = c;
        }
      }
      block.set(j, id);
    }
    block.prefetch(this.index, n);
    const rows = block.rows;
    const bits = this.bits;
    const capacity = bits.rows;
    let loaded = 0;
    for (let j = 0; j < n; j++) {
      const r = rows[j]!;
      if (r >= 0 && r < capacity) loaded ^= bits.headOf(r);
    }
    block.keep(loaded);
  }

  private returned(row: number, key: number): void {
    if (this.rolling) {
      if (key > this.bits.headOf(row, 1)) this.bits.setHead(row, key, 1);
    } else this.bits.set(row, key);
  }

  protected accept(event: MetricEvent, index: number, j?: number): void {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    const o = this.o;
    if (o.asOf !== undefined && at > o.asOf) return;
    if (at > this.latest) this.latest = at;
    const isStart = this.isStart(type);
    const isReturn = this.isReturn(type);
    if (!isStart && !isReturn) return;
    const key = this.keyOf(at);
    const row = this.row(id, j);
    if (isStart) this.bits.lowerHead(row, key);
    if (isReturn) this.returned(row, key);
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      const cohort = this.bits.headOf(row);
      const last = this.rolling ? this.bits.headOf(row, 1) : NO_RETURN;
      const returns = this.rolling ? (last === NO_RETURN ? [] : [last]) : this.bits.keys(row);
      customers.push([ids[row]!, cohort === NO_KEY ? null : cohort, returns]);
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
      this.bits.lowerHead(row, snapNullable(fn, e[1], [...path, 1], NO_KEY));
      snapArray(fn, e[2], [...path, 2]).forEach((k, j) => {
        this.returned(row, snapNumber(fn, k, [...path, 2, j]));
      });
    });
  }

  result(): CohortRetentionResult {
    const o = this.o;
    const asOf = o.asOf ?? (this.latest === Number.NEGATIVE_INFINITY ? undefined : this.latest);
    const base = {
      granularity: o.granularity,
      criterion: o.criterion,
      timeZone: o.timeZone,
      asOf: asOf ?? null,
    };
    if (asOf === undefined) return { ...base, cohorts: [] };
    const asOfKey = this.keyOf(asOf);
    const fromKey = o.from === undefined ? Number.NEGATIVE_INFINITY : this.keyOf(o.from);
    let first = NO_KEY;
    const n = this.index.size;
    for (let row = 0; row < n; row++) {
      const c = this.bits.headOf(row);
      if (c >= fromKey && c < first) first = c;
    }
    if (first === NO_KEY || first > asOfKey) return { ...base, cohorts: [] };
    const rows = asOfKey - first + 1;
    const columns = Math.min(rows, o.periods ?? rows);
    if (rows * columns > MAX_CELLS) {
      throw new RetentionError(
        'limit_exceeded',
        `${this.site.fn}: the table would have more than ${MAX_CELLS} cells; choose a coarser granularity, options.from or options.periods`,
      );
    }
    // counts[r * columns + k]: customers of cohort `first + r` retained in period k.
    const counts = new Float64Array(rows * columns);
    const sizes = new Float64Array(rows);
    for (let row = 0; row < n; row++) {
      const c = this.bits.headOf(row);
      if (c === NO_KEY || c < first) continue;
      const r = c - first;
      sizes[r]!++;
      const limit = Math.min(columns - 1, asOfKey - c);
      if (this.rolling) {
        const last = this.bits.headOf(row, 1);
        // Counted once at its furthest period; the suffix sums below spread it over 1..k.
        if (last > c) counts[r * columns + Math.min(last - c, limit)]!++;
      } else {
        this.bits.forEach(row, (key) => {
          const k = key - c;
          if (k >= 1 && k <= limit) counts[r * columns + k]!++;
        });
      }
    }
    const buckets = bucketsOf(first, asOfKey, o.granularity, {
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
    });
    const cohorts: CohortRetentionRow[] = [];
    for (let r = 0; r < rows; r++) {
      const bucket = buckets[r]!;
      const size = sizes[r]!;
      const width = Math.min(columns, asOfKey - (first + r) + 1);
      if (this.rolling) {
        for (let k = width - 2; k >= 1; k--)
          counts[r * columns + k]! += counts[r * columns + k + 1]!;
      }
      const periods: CohortRetentionCell[] = [];
      for (let k = 0; k < width; k++) {
        const retained = k === 0 ? size : counts[r * columns + k]!;
        periods.push({
          period: k,
          retained,
          rate: size > 0 ? retained / size : null,
          inProgress: first + r + k === asOfKey,
        });
      }
      cohorts.push({
        label: bucket.label,
        from: bucket.from,
        to: bucket.to,
        size,
        inProgress: first + r === asOfKey,
        periods,
      });
    }
    return { ...base, cohorts };
  }
}

/**
 * Creates the accumulator form of {@link cohortRetention}. Memory grows with customers times
 * periods (one bit per customer and period; one number per customer with `'onOrAfter'`), never
 * with events.
 *
 * @param options - See {@link CohortRetentionOptions}.
 * @returns An accumulator of events whose `result()` is a {@link CohortRetentionResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid event.
 *
 * @example
 * const options = { granularity: 'month', asOf: '2026-02-15' } as const;
 * const a = cohortRetentionAccumulator(options).add({ customerId: 'x', type: 'login', at: '2026-01-05' });
 * const b = cohortRetentionAccumulator(options).add({ customerId: 'x', type: 'login', at: '2026-02-03' });
 * a.merge(b.snapshot()).result().cohorts[0].periods.map((p) => p.rate)
 * //=> [1, 1]
 *
 * @category metrics
 */
export function cohortRetentionAccumulator(
  options: CohortRetentionOptions,
): Accumulator<MetricEvent, CohortRetentionResult, MetricSnapshot> {
  const fn = 'cohortRetentionAccumulator';
  return new CohortRetentionAccumulator({ fn, root: 'events' }, resolve(fn, options));
}

/**
 * The cohort retention table, as PostHog's retention insight builds it: each customer belongs to
 * the cohort of the period of their first-ever start event, and period N of a cohort counts its
 * customers who did a return event in period N (`'on'`) or in period N or later (`'onOrAfter'`).
 * Period 0 is always the whole cohort. Periods are calendar buckets of a time zone; the period
 * containing `asOf` is marked in progress, and later periods are not shown. One pass over events
 * in any order; memory grows with customers times periods, not with events.
 *
 * @param events - Activity events `{ customerId, type, at }`, in any order.
 * @param options - See {@link CohortRetentionOptions}.
 * @returns One row per cohort period from the first cohort to `asOf`.
 * @throws {RetentionInputError} When an option or an event is invalid, naming the index and path;
 * `RetentionError` (`limit_exceeded`) when the table would exceed 5,000,000 cells.
 *
 * @example
 * const events = [
 *   { customerId: 'a', type: 'signup', at: '2026-01-05T10:00:00Z' },
 *   { customerId: 'a', type: 'login', at: '2026-02-11T09:00:00Z' },
 *   { customerId: 'b', type: 'signup', at: '2026-01-20T10:00:00Z' },
 *   { customerId: 'b', type: 'login', at: '2026-03-02T09:00:00Z' },
 *   { customerId: 'c', type: 'signup', at: '2026-02-14T10:00:00Z' },
 * ];
 * const table = cohortRetention(events, {
 *   granularity: 'month', startEvent: 'signup', returnEvent: 'login', asOf: '2026-03-10T00:00:00Z',
 * });
 * table.cohorts.map((c) => [c.label, c.size, c.periods.map((p) => p.retained)])
 * //=> [['2026-01', 2, [2, 1, 1]], ['2026-02', 1, [1, 0]], ['2026-03', 0, [0]]]
 *
 * @example
 * const events = [
 *   { customerId: 'a', type: 'signup', at: '2026-01-05T10:00:00Z' },
 *   { customerId: 'a', type: 'login', at: '2026-03-02T09:00:00Z' },
 * ];
 * const options = { granularity: 'month', asOf: '2026-03-10T00:00:00Z' } as const;
 * [
 *   cohortRetention(events, { ...options, criterion: 'on' }).cohorts[0].periods.map((p) => p.retained),
 *   cohortRetention(events, { ...options, criterion: 'onOrAfter' }).cohorts[0].periods.map((p) => p.retained),
 * ]
 * //=> [[1, 0, 1], [1, 1, 1]]
 *
 * @category metrics
 */
export function cohortRetention(
  events: Iterable<MetricEvent>,
  options: CohortRetentionOptions,
): CohortRetentionResult {
  const fn = 'cohortRetention';
  return new CohortRetentionAccumulator({ fn, root: 'events' }, resolve(fn, options))
    .addAll(events)
    .result();
}
