/**
 * Per-customer period state for the cohort table: for every customer id, a few integer head words
 * (a cohort key, a last return key) and a bitset of absolute period keys, kept in the customer's
 * slot of one open-addressing hash table, next to the id's hash and the id itself (up to
 * {@link INLINE_CHARS} Latin-1 characters inline; a longer id, or one with other characters, in
 * an arena of code units). A bitset of up to {@link INLINE_BITS} words (64 periods: two years of
 * months) is kept in the slot too; a wider one (daily periods) in a dense row of its own, so that
 * the empty half of the table does not hold bit words.
 *
 * Why one slot holds it all: at a million customers the table is tens of megabytes, and each
 * memory access at a random place in it misses the cache and, on virtual machines above all, the
 * TLB. A lookup that reads a slot, then the id somewhere else, then the state somewhere else
 * waits for three misses in turn; here it waits for one. And `addAll` stages a block of records
 * ({@link stage}), loads their slots together ({@link prefetch}) so that the misses overlap, then
 * folds them ({@link locate}) in arrival order. Comparing ids needs no string: the staged id is
 * packed into words like the slot's.
 *
 * Memory grows with customers times periods (a slot per customer at most half the table), never
 * with events. No JavaScript string is kept: ids are copied. The arrays the table outgrows, and
 * all of them on {@link CustomerPeriodTable.clear}, go to the word pool (`wordPool`) for the
 * next table to reuse.
 *
 * @internal
 * @module
 */

import { ARENA_HEADER, arenaHolds, arenaId, finishHash, writeArenaId } from './customerIndex';
import { copyWords, widenedSpan } from './periodBits';
import { giveWords, takeWords } from './wordPool';

/** Records staged per block (see {@link CustomerPeriodTable.stage}). */
export const TABLE_BLOCK = 64;
/**
 * The staging position of a record added on its own (`add`, `merge`): apart from the block's, so
 * that an iterable that adds to the accumulator while `addAll` reads it loses nothing staged.
 */
export const SINGLE = TABLE_BLOCK;
/** Staging positions: a block's and {@link SINGLE}. */
export const STAGED = TABLE_BLOCK + 1;
/** Words of an id kept inline (4 Latin-1 characters each). */
const INLINE = 4;
/** The longest id kept inline in its slot. */
export const INLINE_CHARS = 4 * INLINE;
/** The widest bitset kept in the slot; wider ones go to dense rows. */
const INLINE_BITS = 2;
/** Slot words before the state: hash, id descriptor, the inline id. */
const FIXED = 2 + INLINE;

/**
 * A slot: `[hash, id, inline id words..., head words..., bit words...]`, or with wide bitsets
 * `[..., head words..., row]` and the bit words in row `row` of {@link bits}. The id descriptor is
 * 0 for an empty slot, `length + 1` for an id inline, `-(arena position + 1)` for one in the arena.
 */
export class CustomerPeriodTable {
  private slots: Int32Array;
  /** Slot count - 1 (a power of two - 1). */
  private mask = 63;
  private count = 0;
  /** The key of bit 0 of every slot (a multiple of 32). */
  private lo = 0;
  /** Bit words per customer. */
  private words = 0;
  /** Dense rows of `words` bit words, once they are wider than {@link INLINE_BITS}; else null. */
  private bits: Int32Array | null = null;
  /** Words per slot. */
  private stride: number;
  private readonly head: number;
  private arena = new Uint16Array(0);
  private used = 0;

  // Staged records: per block position, the id (kept only when it is not inline), its hash,
  // descriptor and inline words.
  private readonly ids: (string | undefined)[] = [];
  private readonly hashes = new Int32Array(STAGED);
  private readonly metas = new Int32Array(STAGED);
  private readonly packed = new Int32Array(STAGED * INLINE);
  /** Keeps the prefetching loads from being optimised away. */
  private sink = 0;

  /** @param fills - The initial value of each head word of a new customer. */
  constructor(private readonly fills: readonly number[]) {
    this.head = fills.length;
    this.stride = FIXED + this.head;
    this.slots = new Int32Array(64 * this.stride);
  }

  /**
   * Empties the table and hands its large arrays to the word pool, for the next table to reuse
   * (see `wordPool`). Offsets given before are void.
   */
  clear(): void {
    giveWords(this.slots);
    if (this.bits !== null) giveWords(this.bits);
    this.stride = FIXED + this.head;
    this.slots = new Int32Array(64 * this.stride);
    this.mask = 63;
    this.count = 0;
    this.lo = 0;
    this.words = 0;
    this.bits = null;
    this.arena = new Uint16Array(0);
    this.used = 0;
  }

  /** Customers in the table. */
  get size(): number {
    return this.count;
  }

  /** The slots {@link locate}'s offsets index (replaced when the table grows or widens). */
  get data(): Int32Array {
    return this.slots;
  }

  /**
   * Stages `id` at position `j` (a block's 0 to {@link TABLE_BLOCK} - 1, or {@link SINGLE}): hashes
   * it as `hashId` does (FNV-1a, then `finishHash`) and packs it, in one pass over its code units.
   */
  stage(j: number, id: string): void {
    const n = id.length;
    let h = 0x811c9dc5;
    let latin1 = n <= INLINE_CHARS;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    for (let i = 0; i < n; i++) {
      const c = id.charCodeAt(i);
      h = Math.imul(h ^ c, 0x01000193);
      if (c > 0xff) latin1 = false;
      else if (latin1) {
        const shifted = c << ((i & 3) << 3);
        const w = i >>> 2;
        if (w === 0) w0 |= shifted;
        else if (w === 1) w1 |= shifted;
        else if (w === 2) w2 |= shifted;
        else w3 |= shifted;
      }
    }
    this.hashes[j] = finishHash(h);
    const p = j * INLINE;
    if (latin1) {
      this.metas[j] = n + 1;
      this.packed[p] = w0;
      this.packed[p + 1] = w1;
      this.packed[p + 2] = w2;
      this.packed[p + 3] = w3;
      this.ids[j] = undefined;
    } else {
      this.metas[j] = 0;
      this.ids[j] = id;
    }
  }

  /**
   * Loads the slots the first `n` staged ids hash to, so that their misses overlap: the first
   * and the last word of each, since nothing aligns the array's start to a cache line and a slot
   * can straddle two (loading both was about 12% faster over 10M events and 1M customers).
   */
  prefetch(n: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const stride = this.stride;
    const last = stride - 1;
    let sink = 0;
    for (let j = 0; j < n; j++) {
      const s = (this.hashes[j]! & mask) * stride;
      sink ^= slots[s]! ^ slots[s + last]!;
    }
    this.sink ^= sink;
  }

  /**
   * Finds the slot of the id staged at position `j`, creating it when the id is new; returns the
   * offset of its first head word in {@link data}.
   */
  locate(j: number): number {
    const h = this.hashes[j]!;
    const meta = this.metas[j]!;
    const slots = this.slots;
    const stride = this.stride;
    const end = slots.length;
    let s = (h & this.mask) * stride;
    if (meta > 0) {
      const p = j * INLINE;
      const packed = this.packed;
      for (;;) {
        const m = slots[s + 1]!;
        if (m === 0) break;
        if (
          m === meta &&
          slots[s] === h &&
          slots[s + 2] === packed[p] &&
          slots[s + 3] === packed[p + 1] &&
          slots[s + 4] === packed[p + 2] &&
          slots[s + 5] === packed[p + 3]
        ) {
          return s + FIXED;
        }
        s += stride;
        if (s === end) s = 0;
      }
    } else {
      const id = this.ids[j]!;
      for (;;) {
        const m = slots[s + 1]!;
        if (m === 0) break;
        if (m < 0 && slots[s] === h && arenaHolds(this.arena, -m - 1, id)) return s + FIXED;
        s += stride;
        if (s === end) s = 0;
      }
    }
    return this.insert(j, s);
  }

  /** Makes the bit words cover `key`, widening every slot when they do not (a new span). */
  cover(key: number): void {
    const offset = key - this.lo;
    if (this.words > 0 && offset >= 0 && offset < this.words * 32) return;
    const { lo, words } = widenedSpan(this.lo, this.words, key);
    const shift = this.words === 0 ? 0 : (this.lo - lo) / 32;
    const fixed = FIXED + this.head;
    const old = this.slots;
    if (this.bits !== null) {
      // dense rows: widen them; the slots stay as they are
      const capacity = this.bits.length / this.words;
      const bits = takeWords(capacity * words);
      for (let r = 0; r < this.count; r++) {
        copyWords(this.bits, r * this.words, bits, r * words + shift, this.words);
      }
      giveWords(this.bits);
      this.bits = bits;
    } else if (words <= INLINE_BITS) {
      const stride = fixed + words;
      const next = takeWords((this.mask + 1) * stride);
      for (let s = 0, t = 0; s < old.length; s += this.stride, t += stride) {
        if (old[s + 1] === 0) continue;
        copyWords(old, s, next, t, fixed);
        copyWords(old, s + fixed, next, t + fixed + shift, this.words);
      }
      giveWords(old);
      this.slots = next;
      this.stride = stride;
    } else {
      // from the slots to dense rows, numbered in slot order
      let capacity = 64;
      while (capacity < this.count) capacity *= 2;
      const bits = takeWords(capacity * words);
      const stride = fixed + 1;
      const next = takeWords((this.mask + 1) * stride);
      let row = 0;
      for (let s = 0, t = 0; s < old.length; s += this.stride, t += stride) {
        if (old[s + 1] === 0) continue;
        copyWords(old, s, next, t, fixed);
        next[t + fixed] = row;
        copyWords(old, s + fixed, bits, row * words + shift, this.words);
        row++;
      }
      giveWords(old);
      this.slots = next;
      this.stride = stride;
      this.bits = bits;
    }
    this.lo = lo;
    this.words = words;
  }

  /** Sets bit `key` of the slot at `at` (an offset {@link locate} returned); `key` must be covered. */
  setBit(at: number, key: number): void {
    const offset = key - this.lo;
    const bits = this.bits;
    if (bits === null) this.slots[at + this.head + (offset >>> 5)]! |= 1 << (offset & 31);
    else bits[this.slots[at + this.head]! * this.words + (offset >>> 5)]! |= 1 << (offset & 31);
  }

  /** Calls `visit(at)` for every customer (`at` as {@link locate} returns it, into {@link data}). */
  forEachSlot(visit: (at: number) => void): void {
    const slots = this.slots;
    for (let s = 0; s < slots.length; s += this.stride) if (slots[s + 1] !== 0) visit(s + FIXED);
  }

  /** The id of the customer whose slot is at `at`. */
  idAt(at: number): string {
    const s = at - FIXED;
    const m = this.slots[s + 1]!;
    if (m < 0) return arenaId(this.arena, -m - 1);
    const codes: number[] = [];
    for (let i = 0; i < m - 1; i++) {
      codes.push((this.slots[s + 2 + (i >>> 2)]! >>> ((i & 3) << 3)) & 0xff);
    }
    return String.fromCharCode(...codes);
  }

  /** Calls `visit(key)` for every bit set in the slot at `at`, in increasing order. */
  forEachKey(at: number, visit: (key: number) => void): void {
    const words = this.bits ?? this.slots;
    const start = this.bits === null ? at + this.head : this.slots[at + this.head]! * this.words;
    for (let w = 0; w < this.words; w++) {
      let bits = words[start + w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        visit(this.lo + w * 32 + 31 - Math.clz32(low));
        bits ^= low;
      }
    }
  }

  /** Puts the id staged at `j` in the empty slot at `s` (found again if the table grows first). */
  private insert(j: number, empty: number): number {
    const h = this.hashes[j]!;
    let s = empty;
    if (2 * (this.count + 1) > this.mask + 1) {
      this.grow();
      s = this.emptySlot(h);
    }
    const slots = this.slots;
    const meta = this.metas[j]!;
    slots[s] = h;
    if (meta > 0) {
      slots[s + 1] = meta;
      const p = j * INLINE;
      for (let k = 0; k < INLINE; k++) slots[s + 2 + k] = this.packed[p + k]!;
    } else {
      const id = this.ids[j]!;
      const end = this.used + ARENA_HEADER + id.length;
      if (end > this.arena.length) {
        const next = new Uint16Array(Math.max(2 * this.arena.length, end, 1024));
        next.set(this.arena.subarray(0, this.used));
        this.arena = next;
      }
      slots[s + 1] = -(this.used + 1);
      this.used = writeArenaId(this.arena, this.used, id);
    }
    for (let i = 0; i < this.head; i++) slots[s + FIXED + i] = this.fills[i]!;
    if (this.bits !== null) {
      const row = this.count;
      if ((row + 1) * this.words > this.bits.length) {
        const bits = takeWords(2 * this.bits.length);
        bits.set(this.bits);
        giveWords(this.bits);
        this.bits = bits;
      }
      slots[s + FIXED + this.head] = row;
    }
    this.count++;
    return s + FIXED;
  }

  /** The first empty slot on the probe path of hash `h`. */
  private emptySlot(h: number): number {
    const slots = this.slots;
    let s = (h & this.mask) * this.stride;
    while (slots[s + 1] !== 0) {
      s += this.stride;
      if (s === slots.length) s = 0;
    }
    return s;
  }

  private grow(): void {
    const capacity = 2 * (this.mask + 1);
    const mask = capacity - 1;
    const stride = this.stride;
    const slots = takeWords(capacity * stride);
    const old = this.slots;
    const end = slots.length;
    for (let i = 0; i < old.length; i += stride) {
      if (old[i + 1] === 0) continue;
      let s = (old[i]! & mask) * stride;
      while (slots[s + 1] !== 0) {
        s += stride;
        if (s === end) s = 0;
      }
      copyWords(old, i, slots, s, stride);
    }
    giveWords(old);
    this.slots = slots;
    this.mask = mask;
  }
}
