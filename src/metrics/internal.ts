/**
 * Plumbing shared by the metric calculators: the accumulator base class (indexes, merge of live
 * partitions and JSON snapshots, option checks), fast field readers that raise
 * `RetentionInputError`s naming the function, the path and the record index, option readers, and
 * growable typed columns for per-customer state. Nothing here is exported from the package.
 *
 * @internal
 * @module
 */
import type { Accumulator } from '../core/accumulator';
import {
  type Duration,
  type DurationInput,
  parseDuration,
  shiftByDuration,
} from '../core/duration';
import {
  describeType,
  failInput,
  type IssuePath,
  RetentionError,
  RetentionInputError,
} from '../core/errors';
import { type Instant, type InstantInput, toInstant } from '../core/instant';
import { isCurrencyCode, type Money } from '../core/money';
import { toTimeZone } from '../core/timeZone';
import type { JsonValue } from '../core/validate';
import type { MetricSnapshot } from './snapshot';

const MAX_MS = 8.64e15;

/** Where a calculator reports errors: its public name and the name of its input list. */
export interface Site {
  readonly fn: string;
  readonly root: string;
}

/** Renders JSON with sorted keys, so two equal option objects give the same text. */
export function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(',')}]`;
  const record = value as Readonly<Record<string, JsonValue>>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

function badSnapshot(fn: string, path: IssuePath, expected: string, value: unknown): never {
  throw new RetentionInputError(
    fn,
    [{ code: 'invalid_value', path, expected, received: describeType(value) }],
    'snapshot',
  );
}

/** Checks a value read from a snapshot is a finite number (or null where allowed). */
export function snapNumber(fn: string, value: unknown, path: IssuePath): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return badSnapshot(fn, path, 'a finite number', value);
}

/** Checks a value read from a snapshot is a period key: an integer within ±2^30. */
export function snapKey(fn: string, value: unknown, path: IssuePath): number {
  if (Number.isInteger(value) && Math.abs(value as number) <= 0x40000000) return value as number;
  return badSnapshot(fn, path, 'a period key (an integer)', value);
}

/** Reads `null` as `fallback`, anything else as a finite number. */
export function snapNullable(
  fn: string,
  value: unknown,
  path: IssuePath,
  fallback: number,
): number {
  return value === null ? fallback : snapNumber(fn, value, path);
}

export function snapArray(fn: string, value: unknown, path: IssuePath): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return badSnapshot(fn, path, 'an array', value);
}

export function snapString(fn: string, value: unknown, path: IssuePath): string {
  if (typeof value === 'string') return value;
  return badSnapshot(fn, path, 'a string', value);
}

/** Encodes ±Infinity (absent minima and maxima) as `null` for JSON. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Fails unless `records` can be iterated (arrays, sets, generators, any `Iterable`). */
export function checkIterable(records: unknown, site: Site): void {
  if (records === null || typeof records !== 'object' || !(Symbol.iterator in records)) {
    failInput(
      { fn: site.fn, root: site.root },
      { code: 'invalid_type', path: [], expected: 'an iterable', received: describeType(records) },
    );
  }
}

/** Records per block when a calculator prefetches (see `MetricAccumulator.prefetchBlock`). */
export const BLOCK = 64;

/**
 * The accumulator behind every calculator: counts records for error indexes, merges partitions
 * (live, or as JSON snapshots) after checking they were computed with the same options, and wraps
 * the state in a {@link MetricSnapshot}. Subclasses implement `accept`, `state`, `absorb` and
 * `result`.
 */
export abstract class MetricAccumulator<TRecord, TResult>
  implements Accumulator<TRecord, TResult, MetricSnapshot>
{
  /** How many records were added (the index of the next one). */
  protected count = 0;
  private readonly optionsText: string;

  constructor(
    protected readonly site: Site,
    private readonly kind: string,
    private readonly options: JsonValue,
  ) {
    this.optionsText = canonical(options);
  }

  /**
   * Validates one record and folds it into the state. `j` is the record's position in the block
   * last given to `prefetchBlock`, when `addAll` works in blocks (see `BlockIds`); else undefined.
   */
  protected abstract accept(record: TRecord, index: number, j?: number): void;
  /** The state as JSON. */
  protected abstract state(): JsonValue;
  /** Folds another partition's state (already checked to have the same kind and options). */
  protected abstract absorb(state: JsonValue): void;
  abstract result(): TResult;

  add(record: TRecord): this {
    this.accept(record, this.count);
    this.count++;
    return this;
  }

  addAll(records: Iterable<TRecord>): this {
    checkIterable(records, this.site);
    if (this.prefetchBlock !== undefined) return this.addBlocks(records);
    let index = this.count;
    try {
      for (const record of records) {
        this.accept(record, index);
        index++;
      }
    } finally {
      this.count = index;
    }
    return this;
  }

  /**
   * An optional hint for `addAll`: called with each block of up to {@link BLOCK} records before
   * they are accepted one by one with `accept(record, index, j)` (`j` the position in the
   * block). A calculator whose per-customer state does not fit in the cache uses it to load the
   * block's customers' rows together (see `BlockIds`); it must not change the state nor throw,
   * whatever the records are: validation stays in `accept`.
   */
  protected prefetchBlock?(block: readonly TRecord[], n: number): void;

  private addBlocks(records: Iterable<TRecord>): this {
    const block: TRecord[] = [];
    let index = this.count;
    let n = 0;
    let accepting = false;
    const flush = () => {
      if (n === 0) return;
      accepting = true;
      this.prefetchBlock!(block, n);
      const size = n;
      n = 0;
      for (let j = 0; j < size; j++) {
        this.accept(block[j]!, index, j);
        index++;
      }
      accepting = false;
    };
    try {
      for (const record of records) {
        block[n++] = record;
        if (n === BLOCK) flush();
      }
      flush();
    } catch (error) {
      // the iterable itself threw: the records it gave before are accepted first, as one by one
      // (an invalid one among them throws its own error, as it would have first)
      if (!accepting) flush();
      throw error;
    } finally {
      this.count = index;
    }
    return this;
  }

  merge(other: Accumulator<TRecord, TResult, MetricSnapshot> | MetricSnapshot): this {
    const snap: unknown =
      other instanceof MetricAccumulator ? other.snapshot() : (other as MetricSnapshot);
    const fn = this.site.fn;
    if (typeof snap !== 'object' || snap === null || Array.isArray(snap)) {
      return badSnapshot(fn, [], 'a snapshot object', snap);
    }
    const s = snap as Partial<MetricSnapshot>;
    if (s.kind !== this.kind) {
      throw new RetentionInputError(
        fn,
        [
          {
            code: 'invalid_value',
            path: ['kind'],
            expected: `a snapshot of ${this.kind}`,
            received: typeof s.kind === 'string' ? 'another kind' : describeType(s.kind),
          },
        ],
        'snapshot',
      );
    }
    if (s.version !== 1) return badSnapshot(fn, ['version'], 'version 1', s.version);
    if (canonical(s.options) !== this.optionsText) {
      throw new RetentionError(
        'invalid_input',
        `${fn}: cannot merge partitions computed with different options`,
      );
    }
    this.absorb(s.state as JsonValue);
    return this;
  }

  snapshot(): MetricSnapshot {
    return { kind: this.kind, version: 1, options: this.options, state: this.state() };
  }
}

// ---------------------------------------------------------------------------------------------
// Field readers. The fast path accepts the common case without allocating; anything else goes
// through the core converters, which either normalize it or throw with the exact path.

/** Reads an instant field of record `index`. */
export function readInstant(
  value: InstantInput,
  site: Site,
  index: number,
  field: string,
): Instant {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -MAX_MS && value <= MAX_MS) {
    return value;
  }
  return toInstant(value, { fn: site.fn, path: [index, field], root: site.root });
}

/** Reads the customer id of record `index`: a non-empty string. */
export function readId(value: unknown, site: Site, index: number, field = 'customerId'): string {
  if (typeof value === 'string' && value !== '') return value;
  return failInput(
    { fn: site.fn, path: [index, field], root: site.root },
    value === undefined
      ? { code: 'required', path: [] }
      : {
          code: 'invalid_type',
          path: [],
          expected: 'a non-empty string',
          received: describeType(value),
        },
  );
}

/** Reads an event type: a non-empty string. */
export function readType(value: unknown, site: Site, index: number): string {
  return readId(value, site, index, 'type');
}

/** Fails unless `record` is an object. */
export function checkRecord(record: unknown, site: Site, index: number): void {
  if (typeof record !== 'object' || record === null) {
    failInput(
      { fn: site.fn, path: [index], root: site.root },
      { code: 'invalid_type', path: [], expected: 'an object', received: describeType(record) },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Option readers.

const OPTIONS = 'options';

export function optionsObject<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return failInput(
      { fn, root: OPTIONS },
      {
        code: 'invalid_type',
        path: [],
        expected: 'an options object',
        received: describeType(options),
      },
    );
  }
  return options;
}

export function optionInstant(fn: string, value: InstantInput, name: string): Instant {
  if (value === undefined)
    return failInput({ fn, path: [name], root: OPTIONS }, { code: 'required', path: [] });
  return toInstant(value, { fn, path: [name], root: OPTIONS });
}

export function optionalInstant(
  fn: string,
  value: InstantInput | undefined,
  name: string,
): Instant | undefined {
  return value === undefined ? undefined : optionInstant(fn, value, name);
}

/** Reads `{ from, to }` from options (at the top level or under `name`), `to` after `from`. */
export function optionPeriod(
  fn: string,
  from: InstantInput | undefined,
  to: InstantInput | undefined,
  path: IssuePath = [],
): { from: Instant; to: Instant } {
  const location = { fn, root: OPTIONS };
  if (from === undefined) return failInput(location, { code: 'required', path: [...path, 'from'] });
  if (to === undefined) return failInput(location, { code: 'required', path: [...path, 'to'] });
  const f = toInstant(from, { fn, path: [...path, 'from'], root: OPTIONS });
  const t = toInstant(to, { fn, path: [...path, 'to'], root: OPTIONS });
  if (!(t > f)) {
    return failInput(location, {
      code: 'invalid_period',
      path: [...path, 'to'],
      detail: 'the end must be after the start',
    });
  }
  return { from: f, to: t };
}

/** An optional cohort period `{ from, to }`. */
export function optionCohort(
  fn: string,
  cohort: { readonly from: InstantInput; readonly to: InstantInput } | undefined,
): { from: Instant; to: Instant } | undefined {
  if (cohort === undefined) return undefined;
  if (typeof cohort !== 'object' || cohort === null) {
    return failInput(
      { fn, path: ['cohort'], root: OPTIONS },
      {
        code: 'invalid_period',
        path: [],
        expected: '{ from, to }',
        received: describeType(cohort),
      },
    );
  }
  return optionPeriod(fn, cohort.from, cohort.to, ['cohort']);
}

export function optionTimeZone(fn: string, timeZone: string | undefined): string {
  return toTimeZone(timeZone, { fn, path: ['timeZone'], root: OPTIONS });
}

export function optionDuration(
  fn: string,
  value: DurationInput | undefined,
  name: string,
): Duration {
  if (value === undefined)
    return failInput({ fn, path: [name], root: OPTIONS }, { code: 'required', path: [] });
  return parseDuration(value, { fn, path: [name], root: OPTIONS });
}

/** `start + duration` on the wall clock of `timeZone` (fixed durations: exact milliseconds). */
export function deadline(start: Instant, duration: Duration, timeZone: string): Instant {
  return duration.kind === 'fixed'
    ? start + duration.ms
    : shiftByDuration(start, duration, 1, timeZone);
}

/** Reads an event-type option: one type or a non-empty list of types. */
export function optionTypes(
  fn: string,
  value: string | readonly string[] | undefined,
  name: string,
  required: boolean,
): readonly string[] | undefined {
  if (value === undefined) {
    if (required)
      return failInput({ fn, path: [name], root: OPTIONS }, { code: 'required', path: [] });
    return undefined;
  }
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    return failInput(
      { fn, path: [name], root: OPTIONS },
      {
        code: 'invalid_value',
        path: [],
        expected: 'an event type or a non-empty list of event types',
        received: describeType(value),
      },
    );
  }
  list.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') {
      failInput(
        { fn, path: typeof value === 'string' ? [name] : [name, i], root: OPTIONS },
        {
          code: 'invalid_type',
          path: [],
          expected: 'a non-empty string',
          received: describeType(t),
        },
      );
    }
  });
  return [...new Set(list)];
}

export function optionEnum<T extends string>(
  fn: string,
  value: T | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (allowed.includes(value)) return value;
  return failInput(
    { fn, path: [name], root: OPTIONS },
    { code: 'invalid_enum', path: [], expected: allowed.join(', '), received: describeType(value) },
  );
}

// ---------------------------------------------------------------------------------------------
// Growable typed columns for per-customer state.

export function growF64(
  column: Float64Array<ArrayBuffer>,
  need: number,
  fill: number,
): Float64Array<ArrayBuffer> {
  if (need <= column.length) return column;
  const next = new Float64Array(Math.max(need, column.length * 2, 64));
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

export function growI32(
  column: Int32Array<ArrayBuffer>,
  need: number,
  fill: number,
): Int32Array<ArrayBuffer> {
  if (need <= column.length) return column;
  const next = new Int32Array(Math.max(need, column.length * 2, 64));
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

export function growU8(column: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= column.length) return column;
  const next = new Uint8Array(Math.max(need, column.length * 2, 64));
  next.set(column);
  return next;
}

/** `numerator / denominator`, or `null` when the denominator is zero. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Reads a non-negative amount given as a number or as `{ amount, currency }`. */
export function amount(
  fn: string,
  value: unknown,
  name: string,
): { amount: number; currency: string | null } {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return { amount: value, currency: null };
  }
  if (typeof value === 'object' && value !== null && 'amount' in value) {
    const m = value as Money;
    if (!isCurrencyCode(m.currency)) {
      failInput(
        { fn, path: [name, 'currency'], root: 'options' },
        {
          code: 'invalid_currency',
          path: [],
          expected: "three upper-case letters, e.g. 'USD'",
          received: describeType(m.currency),
        },
      );
    }
    if (typeof m.amount === 'number' && Number.isFinite(m.amount) && m.amount >= 0) {
      return { amount: m.amount, currency: m.currency };
    }
    return failInput(
      { fn, path: [name, 'amount'], root: 'options' },
      {
        code: 'invalid_amount',
        path: [],
        expected: 'a finite number >= 0',
        received: describeType(m.amount),
      },
    );
  }
  return failInput(
    { fn, path: [name], root: 'options' },
    {
      code: 'invalid_amount',
      path: [],
      expected: 'a finite number >= 0 or { amount, currency }',
      received: describeType(value),
    },
  );
}

/**
 * A test for event types: always true without a list, `===` for one type (the common case, and
 * faster than hashing the type into a Set for every event), a Set lookup for several.
 */
export function typeMatcher(types: readonly string[] | undefined): (type: string) => boolean {
  if (types === undefined) return () => true;
  if (types.length === 1) {
    const only = types[0]!;
    return (type) => type === only;
  }
  const set = new Set(types);
  return (type) => set.has(type);
}
