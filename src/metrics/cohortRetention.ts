import type { Accumulator } from '../core/accumulator';
import { describeType, failInput, RetentionError } from '../core/errors';
import type { Instant, InstantInput } from '../core/instant';
import type { Granularity } from '../core/period';
import type { JsonValue } from '../core/validate';
import { CustomerPeriodTable, SINGLE, STAGED, TABLE_BLOCK } from './customerPeriodTable';
import type { MetricEvent } from './inputs';
import {
  checkIterable,
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
  snapKey,
  snapNullable,
  snapString,
  typeMatcher,
} from './internal';
import { bucketsOf, PeriodKeyCache } from './periodBits';
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

const START = 1;
const RETURN = 2;

/**
 * Per customer: the key of their cohort (first start event) and either the keys of the periods
 * they came back in (`'on'`, a bitset) or only the latest one (`'onOrAfter'`).
 */
class CohortRetentionAccumulator extends MetricAccumulator<MetricEvent, CohortRetentionResult> {
  /** Per customer: head word 0 the cohort key, word 1 the last return key ('onOrAfter'), then return bits ('on'). */
  private readonly table: CustomerPeriodTable;
  private latest = Number.NEGATIVE_INFINITY;
  private readonly periodKeys: PeriodKeyCache;
  private readonly rolling: boolean;
  private readonly isStart: (type: string) => boolean;
  private readonly isReturn: (type: string) => boolean;
  /** Per staged block position (see {@link CustomerPeriodTable.stage}): the period key and flags. */
  private readonly keys = new Int32Array(STAGED);
  private readonly flags = new Uint8Array(STAGED);

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
    this.periodKeys = new PeriodKeyCache(o.granularity, {
      timeZone: o.timeZone,
      weekStartsOn: o.weekStartsOn,
    });
    this.rolling = o.criterion === 'onOrAfter';
    this.isStart = typeMatcher(o.start === undefined ? undefined : [...o.start]);
    this.isReturn = typeMatcher(o.ret === undefined ? undefined : [...o.ret]);
    this.table = new CustomerPeriodTable(this.rolling ? [NO_KEY, NO_RETURN] : [NO_KEY]);
  }

  /** Folds the event staged at block position `j` into its customer's slot. */
  private fold(j: number): void {
    const table = this.table;
    const key = this.keys[j]!;
    const flags = this.flags[j]!;
    const returned = (flags & RETURN) !== 0;
    if (returned && !this.rolling) table.cover(key);
    const at = table.locate(j);
    const data = table.data;
    if ((flags & START) !== 0 && key < data[at]!) data[at] = key;
    if (returned) {
      if (!this.rolling) table.setBit(at, key);
      else if (key > data[at + 1]!) data[at + 1] = key;
    }
  }

  /** Stages, at block position `j`, an event of customer `id` in period `key` (flags: start, return). */
  private stageAt(j: number, id: string, key: number, flags: number): void {
    this.table.stage(j, id);
    this.keys[j] = key;
    this.flags[j] = flags;
  }

  /**
   * Validates event `index` and stages it at block position `j` when it is to be folded (a
   * start or return event up to `asOf`); returns whether it was.
   */
  private stage(event: MetricEvent, index: number, j: number): boolean {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    const o = this.o;
    if (o.asOf !== undefined && at > o.asOf) return false;
    if (at > this.latest) this.latest = at;
    const flags = (this.isStart(type) ? START : 0) | (this.isReturn(type) ? RETURN : 0);
    if (flags === 0) return false;
    this.stageAt(j, id, this.periodKeys.keyOf(at), flags);
    return true;
  }

  /** Folds the first `n` staged events, their slots loaded together first. */
  private foldBlock(n: number): void {
    if (n > 1) this.table.prefetch(n);
    for (let j = 0; j < n; j++) this.fold(j);
  }

  protected accept(event: MetricEvent, index: number): void {
    if (this.stage(event, index, SINGLE)) this.fold(SINGLE);
  }

  /**
   * Validates records in arrival order and folds them in blocks whose customers' slots are
   * loaded together. On an invalid record or a failing iterable, the records before it are
   * folded, as with `add` one by one.
   */
  override addAll(records: Iterable<MetricEvent>): this {
    checkIterable(records, this.site);
    let index = this.count;
    let n = 0;
    try {
      for (const record of records) {
        if (this.stage(record, index, n)) n++;
        index++;
        if (n === TABLE_BLOCK) {
          n = 0;
          this.foldBlock(TABLE_BLOCK);
        }
      }
    } finally {
      this.count = index;
      this.foldBlock(n);
    }
    return this;
  }

  protected state(): JsonValue {
    const table = this.table;
    const data = table.data;
    const rolling = this.rolling;
    const customers: [string, number | null, number[]][] = [];
    table.forEachSlot((at) => {
      const cohort = data[at]!;
      let returns: number[];
      if (rolling) {
        const last = data[at + 1]!;
        returns = last === NO_RETURN ? [] : [last];
      } else {
        returns = [];
        table.forEachKey(at, (k) => returns.push(k));
      }
      customers.push([table.idAt(at), cohort === NO_KEY ? null : cohort, returns]);
    });
    // by id, so that the snapshot does not depend on the order records came in
    customers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
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
      const id = snapString(fn, e[0], [...path, 0]);
      const cohort = e[1] === null ? NO_KEY : snapKey(fn, e[1], [...path, 1]);
      const returns = snapArray(fn, e[2], [...path, 2]).map((k, j) =>
        snapKey(fn, k, [...path, 2, j]),
      );
      // staged once, folded once as a start (the customer is in the table even with neither a
      // cohort nor a return) and once per return
      this.stageAt(SINGLE, id, cohort, START);
      this.fold(SINGLE);
      this.flags[SINGLE] = RETURN;
      for (const k of returns) {
        this.keys[SINGLE] = k;
        this.fold(SINGLE);
      }
    });
  }

  /** Empties the accumulator and hands its table's memory to the word pool (see `wordPool`). */
  release(): void {
    this.table.clear();
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
    const asOfKey = this.periodKeys.keyOf(asOf);
    const fromKey = o.from === undefined ? Number.NEGATIVE_INFINITY : this.periodKeys.keyOf(o.from);
    let first = NO_KEY;
    const table = this.table;
    table.forEachSlot((at) => {
      const c = table.data[at]!;
      if (c >= fromKey && c < first) first = c;
    });
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
    const data = table.data;
    // the customer being counted, read by `countReturn` (one function for all customers, not
    // a closure per customer)
    let c = 0;
    let rowStart = 0;
    let limit = 0;
    const countReturn = (key: number) => {
      const k = key - c;
      if (k >= 1 && k <= limit) counts[rowStart + k]!++;
    };
    table.forEachSlot((at) => {
      c = data[at]!;
      if (c === NO_KEY || c < first) return;
      const r = c - first;
      sizes[r]!++;
      rowStart = r * columns;
      limit = Math.min(columns - 1, asOfKey - c);
      if (this.rolling) {
        const last = data[at + 1]!;
        // Counted once at its furthest period; the suffix sums below spread it over 1..k.
        if (last > c) counts[rowStart + Math.min(last - c, limit)]!++;
      } else table.forEachKey(at, countReturn);
    });
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
  const accumulator = new CohortRetentionAccumulator({ fn, root: 'events' }, resolve(fn, options));
  const result = accumulator.addAll(events).result();
  // No one else sees this accumulator: its table's memory can serve the next call.
  accumulator.release();
  return result;
}
