/**
 * Maps customer ids to dense row numbers (0, 1, 2, ...) for the per-customer columns of the
 * calculators: an open-addressing hash table over typed arrays. Each slot holds the id's hash,
 * where its record sits in a character arena (length, then the id's UTF-16 code units) and its
 * row, so a lookup touches one slot and one run of the arena, and the row is known from the slot
 * alone. At a million customers this is markedly faster than a `Map` keyed by id, whose entries and keys are spread over the heap, and it keeps
 * no JavaScript string alive: the ids are copied into the arena.
 *
 * The arena grows in fixed chunks that are never copied, and records never straddle two chunks,
 * so growing costs no garbage.
 *
 * @internal
 * @module
 */

import { BLOCK } from './internal';

const EMPTY = -1;
/** Code units per arena chunk (2 MiB). */
const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** MurmurHash3's 32-bit finalizer, which spreads an FNV-1a hash's bits over the whole word. */
export function finishHash(fnv: number): number {
  let h = fnv ^ (fnv >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * FNV-1a over the id's UTF-16 code units, with MurmurHash3's finalizer to spread the bits.
 * (`CustomerPeriodTable.stage` runs the same loop fused with its packing; the constants stay
 * literals in both: named module constants, which the bundle turns into `var`s, raised a
 * Cachegrind count of 1.5M staged lookups by 7.7%.)
 */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return finishHash(h);
}

/**
 * Arena records, shared by the tables that copy ids into `Uint16Array` arenas: the id's length in
 * two units (low, high), then its UTF-16 code units.
 */
export const ARENA_HEADER = 2;

/** Writes `id` as an arena record at `pos` of `arena` (which has room); returns the end. */
export function writeArenaId(arena: Uint16Array, pos: number, id: string): number {
  const n = id.length;
  arena[pos] = n & 0xffff;
  arena[pos + 1] = n >>> 16;
  for (let i = 0; i < n; i++) arena[pos + ARENA_HEADER + i] = id.charCodeAt(i);
  return pos + ARENA_HEADER + n;
}

/** Whether the arena record at `pos` of `arena` holds `id`. */
export function arenaHolds(arena: Uint16Array, pos: number, id: string): boolean {
  const n = id.length;
  if (arena[pos] !== (n & 0xffff) || arena[pos + 1] !== n >>> 16) return false;
  const from = pos + ARENA_HEADER;
  for (let i = 0; i < n; i++) if (arena[from + i] !== id.charCodeAt(i)) return false;
  return true;
}

/** The id of the arena record at `pos` of `arena`. */
export function arenaId(arena: Uint16Array, pos: number): string {
  const n = arena[pos]! | (arena[pos + 1]! << 16);
  const from = pos + ARENA_HEADER;
  let id = '';
  for (let i = 0; i < n; i += 4096) {
    id += String.fromCharCode(...arena.subarray(from + i, from + Math.min(n, i + 4096)));
  }
  return id;
}

/**
 * The customer ids of one block of records in `addAll` (see `MetricAccumulator.prefetchBlock`):
 * hashed once to bring the block's rows into the cache, and the hash used again when each record
 * is accepted. It holds at most one block's id strings (until they are looked up, or the next
 * block replaces them).
 */
export class BlockIds {
  private readonly ids: (string | undefined)[] = [];
  private readonly hashes = new Int32Array(BLOCK);
  /** After {@link prefetch}: per position, the row the index's slot names (a hint), or -1. */
  readonly rows = new Int32Array(BLOCK);
  /** Keeps the prefetching loads from being optimised away. */
  private sink = 0;

  /** The id of the record at position `j` (undefined: a record not worth a lookup). */
  set(j: number, id: string | undefined): void {
    this.ids[j] = id;
    this.hashes[j] = id === undefined ? 0 : hashId(id);
  }

  /** Loads what looking up the first `n` ids will read (`CustomerIndex.prefetch`); fills `rows`. */
  prefetch(index: CustomerIndex, n: number): void {
    this.keep(index.prefetch(this.hashes, n, this.rows));
  }

  /** Keeps a value the caller loaded while prefetching its own per-row state. */
  keep(loaded: number): void {
    this.sink ^= loaded;
  }

  /**
   * The row of `id` (`index.row`), for the record at block position `j` when accepted in a block:
   * the hash computed for that position is reused when it is this id's.
   */
  row(index: CustomerIndex, id: string, j: number | undefined): number {
    if (j === undefined) return index.row(id);
    const hashed = this.ids[j];
    this.ids[j] = undefined;
    return id === hashed ? index.rowHashed(id, this.hashes[j]!) : index.row(id);
  }
}

/** Int32 cells per slot: hash, arena position (-1: empty), row. */
const SLOT = 3;

export class CustomerIndex {
  /** `[hash, arena position, row]` triples; position -1 marks an empty slot. */
  private slots = new Int32Array(SLOT * 1024).fill(EMPTY);
  private mask = 1023;
  private chunks: Uint16Array[] = [];
  /** The row of the first record of each chunk. */
  private firstRows: number[] = [];
  /** Next free arena position (chunk * CHUNK + offset). */
  private used = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether the id stored at arena position `at` equals `id`. */
  private match(at: number, id: string): boolean {
    return arenaHolds(this.chunks[at >>> CHUNK_BITS]!, at & CHUNK_MASK, id);
  }

  /** The row of `id`, creating it (as row `size`) when the id is new. */
  row(id: string): number {
    return this.rowHashed(id, hashId(id));
  }

  /** {@link row} with `h = hashId(id)` already computed. */
  rowHashed(id: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const at = slots[SLOT * s + 1]!;
      if (at === EMPTY) break;
      if (slots[SLOT * s] === h && this.match(at, id)) return slots[SLOT * s + 2]!;
      s = (s + 1) & mask;
    }
    return this.insert(id, h, s);
  }

  /** The row of `id`, or -1 when it was never seen. */
  find(id: string): number {
    const h = hashId(id);
    const slots = this.slots;
    let s = h & this.mask;
    for (;;) {
      const at = slots[SLOT * s + 1]!;
      if (at === EMPTY) return EMPTY;
      if (slots[SLOT * s] === h && this.match(at, id)) return slots[SLOT * s + 2]!;
      s = (s + 1) & this.mask;
    }
  }

  /**
   * Brings into the cache what looking up `n` ids by their hashes will read, for the caller to
   * look them up afterwards; a hint with no effect on the index. The loads of one step do not
   * depend on each other, so the processor overlaps their cache misses instead of waiting for
   * each in turn, as a plain lookup must (slot, then arena record, then the caller's row).
   * Writes to `rows[i]` the row the slot of `hashes[i]` names, or -1 when no slot has that hash
   * (a row whose id differs is possible: it is only a hint). A hash of 0 is skipped. Returns a
   * value that depends on every load, so that the caller can keep it.
   */
  prefetch(hashes: Int32Array, n: number, rows: Int32Array): number {
    const slots = this.slots;
    const mask = this.mask;
    let sink = 0;
    for (let i = 0; i < n; i++) sink ^= slots[SLOT * (hashes[i]! & mask)]!;
    for (let i = 0; i < n; i++) {
      const h = hashes[i]!;
      let row = EMPTY;
      if (h !== 0) {
        let s = h & mask;
        for (;;) {
          const at = slots[SLOT * s + 1]!;
          if (at === EMPTY) break;
          if (slots[SLOT * s] === h) {
            row = slots[SLOT * s + 2]!;
            // the record's header and its last code unit (the record may span two cache lines)
            const chunk = this.chunks[at >>> CHUNK_BITS]!;
            const o = at & CHUNK_MASK;
            sink ^= chunk[o + ARENA_HEADER - 1 + chunk[o]!]!;
            break;
          }
          s = (s + 1) & mask;
        }
      }
      rows[i] = row;
    }
    return sink;
  }

  /** Calls `visit(row, id)` for every id, in row order (the order ids were first seen). */
  forEach(visit: (row: number, id: string) => void): void {
    let c = 0;
    let o = 0;
    for (let row = 0; row < this.count; row++) {
      if (c + 1 < this.firstRows.length && row === this.firstRows[c + 1]) {
        c++;
        o = 0;
      }
      const chunk = this.chunks[c]!;
      const n = chunk[o]! | (chunk[o + 1]! << 16);
      visit(row, arenaId(chunk, o));
      o += ARENA_HEADER + n;
    }
  }

  /** All ids, in row order. */
  ids(): string[] {
    const out: string[] = [];
    this.forEach((_, id) => {
      out.push(id);
    });
    return out;
  }

  private insert(id: string, h: number, s: number): number {
    const row = this.count++;
    const n = id.length;
    const size = ARENA_HEADER + n;
    let at = this.used;
    if (at >>> CHUNK_BITS >= this.chunks.length || (at & CHUNK_MASK) + size > CHUNK) {
      // Start a new chunk (records never straddle two); an id longer than a chunk (a million
      // code units) gets a chunk of its own size, and the next record starts the chunk after it.
      at = this.chunks.length * CHUNK;
      this.chunks.push(new Uint16Array(Math.max(CHUNK, size)));
      this.firstRows.push(row);
      this.used = size > CHUNK ? this.chunks.length * CHUNK : at + size;
    } else this.used = at + size;
    writeArenaId(this.chunks[at >>> CHUNK_BITS]!, at & CHUNK_MASK, id);
    this.slots[SLOT * s] = h;
    this.slots[SLOT * s + 1] = at;
    this.slots[SLOT * s + 2] = row;
    if (2 * this.count > this.mask + 1) this.grow();
    return row;
  }

  private grow(): void {
    const capacity = 2 * (this.mask + 1);
    const mask = capacity - 1;
    const slots = new Int32Array(SLOT * capacity).fill(EMPTY);
    const old = this.slots;
    for (let i = 0; i < old.length; i += SLOT) {
      if (old[i + 1] === EMPTY) continue;
      let s = old[i]! & mask;
      while (slots[SLOT * s + 1] !== EMPTY) s = (s + 1) & mask;
      slots[SLOT * s] = old[i]!;
      slots[SLOT * s + 1] = old[i + 1]!;
      slots[SLOT * s + 2] = old[i + 2]!;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
