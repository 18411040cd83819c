/**
 * Calendar buckets for the table calculators (cohortRetention, lifecycleComposition): a key
 * function with an hour-indexed cache in front of `periodKeyFn`, and one bitset of period keys per
 * customer, so memory grows with customers times periods, never with events.
 *
 * @internal
 * @module
 */
import {
  type CalendarOptions,
  type Granularity,
  type PeriodBucket,
  periodKeyFn,
  periodKeyStart,
  periodSeries,
} from '../core/period';

const HOUR = 3_600_000;
/** Most hours the cache covers (about 114 years); beyond it keys are computed directly. */
const MAX_CACHED_HOURS = 1_000_000;
const UNKNOWN = -0x80000000;

/**
 * Copies `n` words of `from` from `start` into `to` at `at`: a slot or a row at a time, where a
 * `subarray` view per call would allocate an object per customer.
 */
export function copyWords(
  from: Int32Array,
  start: number,
  to: Int32Array,
  at: number,
  n: number,
): void {
  for (let k = 0; k < n; k++) to[at + k] = from[start + k]!;
}

/** What the cache holds for an hour whose instants do not all share one key. */
const BOUNDARY = -0x7fffffff;

/**
 * Period keys equal to `periodKeyFn(granularity, options)`, remembered by hour: most instants
 * cost a division and an array read instead of a calendar computation (an hour that contains a
 * bucket boundary is computed each time). A class rather than a closure: the compiler inlines
 * {@link PeriodKeyCache.keyOf} into a caller's loop, where a closure it did not inline was passed each event's
 * instant boxed into a new heap number (a heap profile of `cohortRetention` counted 36.1 bytes
 * per event with the closure, 0.6 with this class).
 */
export class PeriodKeyCache {
  /** The key of an instant, computed from the calendar (`periodKeyFn`). */
  readonly exact: (instant: number) => number;
  private base = 0;
  private cache = new Int32Array(0);

  constructor(granularity: Granularity, options: CalendarOptions) {
    this.exact = periodKeyFn(granularity, options);
  }

  /** The key of `instant`, equal to `periodKeyFn(granularity, options)(instant)`. */
  keyOf(instant: number): number {
    const key = this.ofHour(Math.floor(instant / HOUR));
    return key === BOUNDARY ? this.exact(instant) : key;
  }

  /**
   * The key of every instant of hour `hour` (`Math.floor(instant / 3,600,000)`), or
   * {@link BOUNDARY} when the hour holds a bucket boundary or lies more than about 114 years
   * from the others: then `exact(instant)` is the key.
   */
  private ofHour(hour: number): number {
    let i = hour - this.base;
    let cache = this.cache;
    if (i < 0 || i >= cache.length) {
      // Widen the cached span to this hour, with as much again to spare on that side.
      const base = this.base;
      const empty = cache.length === 0;
      let lo = empty ? hour : Math.min(base, hour);
      let hi = empty ? hour + 1 : Math.max(base + cache.length, hour + 1);
      const pad = Math.max(hi - lo, 24 * 31);
      if (empty || hour < base) lo -= pad;
      if (empty || hour >= base + cache.length) hi += pad;
      if (hi - lo > MAX_CACHED_HOURS) return BOUNDARY;
      const next = new Int32Array(hi - lo).fill(UNKNOWN);
      if (!empty) next.set(cache, base - lo);
      this.cache = cache = next;
      this.base = lo;
      i = hour - lo;
    }
    let key = cache[i]!;
    if (key === UNKNOWN) {
      const a = this.exact(hour * HOUR);
      const b = this.exact(hour * HOUR + HOUR - 1);
      key = a === b ? a : BOUNDARY;
      cache[i] = key;
    }
    return key;
  }
}

/** The buckets with keys `first..last` (inclusive), with their instants and labels. */
export function bucketsOf(
  first: number,
  last: number,
  granularity: Granularity,
  options: CalendarOptions,
): PeriodBucket[] {
  const from = periodKeyStart(first, granularity, options);
  const to = periodKeyStart(last + 1, granularity, options);
  return periodSeries({ from, to }, granularity, { ...options, maxBuckets: last - first + 1 });
}

/**
 * The span of bit words (`lo`, a multiple of 32, and `words` of 32 keys) that covers `key` after
 * a span of `words` words from `lo` (none when `words` is 0): at least twice as wide on the side
 * that grows, so that widening, a copy of every row, happens a logarithmic number of times.
 */
export function widenedSpan(
  lo: number,
  words: number,
  key: number,
): { readonly lo: number; readonly words: number } {
  const keyLo = Math.floor(key / 32) * 32;
  if (words === 0) return { lo: keyLo, words: 1 };
  const span = words * 32;
  const hi = lo + span;
  const from = keyLo < lo ? Math.min(keyLo, lo - span) : lo;
  const to = keyLo >= hi ? Math.max(keyLo + 32, hi + span) : hi;
  return { lo: from, words: (to - from) / 32 };
}

/**
 * Per-customer rows of 32-bit words: `head` integer words (a cohort key, a first-seen key...)
 * followed by a bitset of absolute period keys, so that one cache line holds all a customer's
 * state. The key range grows in whole 32-key words, so widening it is a word copy.
 */
export class PeriodBits {
  /** The key of bit 0 of every row (a multiple of 32). */
  private lo = 0;
  /** Bit words per row. */
  private words = 0;
  /** Words per row: head + bit words. */
  private stride: number;
  private capacity = 0;
  private data = new Int32Array(0);

  private readonly head: number;

  /** @param fills - The initial value of each head word (one integer word per entry). */
  constructor(private readonly fills: readonly number[] = []) {
    this.head = fills.length;
    this.stride = this.head;
  }

  get rows(): number {
    return this.capacity;
  }

  ensureRows(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 64);
    const next = new Int32Array(capacity * this.stride);
    next.set(this.data);
    for (let i = 0; i < this.head; i++) {
      const fill = this.fills[i]!;
      if (fill === 0) continue;
      for (let row = this.capacity; row < capacity; row++) next[row * this.stride + i] = fill;
    }
    this.data = next;
    this.capacity = capacity;
  }

  headOf(row: number, i = 0): number {
    return this.data[row * this.stride + i]!;
  }

  setHead(row: number, value: number, i = 0): void {
    this.data[row * this.stride + i] = value;
  }

  /** Lowers head word `i` of `row` to `value` if it is smaller. */
  lowerHead(row: number, value: number, i = 0): void {
    const at = row * this.stride + i;
    if (value < this.data[at]!) this.data[at] = value;
  }

  private widen(key: number): void {
    const { lo, words } = widenedSpan(this.lo, this.words, key);
    const stride = this.head + words;
    const shift = this.words === 0 ? 0 : (this.lo - lo) / 32;
    const next = new Int32Array(this.capacity * stride);
    for (let row = 0; row < this.capacity; row++) {
      const from = row * this.stride;
      copyWords(this.data, from, next, row * stride, this.head);
      copyWords(this.data, from + this.head, next, row * stride + this.head + shift, this.words);
    }
    this.data = next;
    this.lo = lo;
    this.words = words;
    this.stride = stride;
  }

  set(row: number, key: number): void {
    let offset = key - this.lo;
    if (offset < 0 || offset >= this.words * 32) {
      this.widen(key);
      offset = key - this.lo;
    }
    this.data[row * this.stride + this.head + (offset >>> 5)]! |= 1 << (offset & 31);
  }

  /** Calls `visit(key)` for every key set in `row`, in increasing order. */
  forEach(row: number, visit: (key: number) => void): void {
    const start = row * this.stride + this.head;
    for (let w = 0; w < this.words; w++) {
      let bits = this.data[start + w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        visit(this.lo + w * 32 + 31 - Math.clz32(low));
        bits ^= low;
      }
    }
  }

  has(row: number, key: number): boolean {
    const offset = key - this.lo;
    if (offset < 0 || offset >= this.words * 32) return false;
    return (
      (this.data[row * this.stride + this.head + (offset >>> 5)]! & (1 << (offset & 31))) !== 0
    );
  }

  keys(row: number): number[] {
    const out: number[] = [];
    this.forEach(row, (k) => out.push(k));
    return out;
  }
}
