/**
 * Maps customer ids to dense row numbers (0, 1, 2, ...) for the per-customer columns of the
 * calculators: an open-addressing hash table over typed arrays. Each slot holds the id's hash,
 * its row and where its characters sit in a character arena, so a lookup touches one slot and
 * one run of characters, both in typed arrays. At a million customers this is markedly faster
 * than a `Map` keyed by id, whose entries and keys are spread over the heap (measured in
 * bench/metrics.bench.ts).
 *
 * @internal
 * @module
 */

const EMPTY = -1;
const SLOT = 3;

/** FNV-1a over the id's UTF-16 code units, with MurmurHash3's finalizer to spread the bits. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class CustomerIndex {
  /** `[hash, row, arena offset]` triples; row -1 marks an empty slot. */
  private slots = new Int32Array(SLOT * 1024).fill(EMPTY);
  private mask = 1023;
  /** Each id as its length (two 16-bit cells) followed by its UTF-16 code units. */
  private chars = new Uint16Array(4096);
  private used = 0;
  /** Row -> id, in the order customers were first seen. */
  readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Whether the id stored at arena offset `at` equals `id`. */
  private same(at: number, id: string): boolean {
    const chars = this.chars;
    const n = id.length;
    if (chars[at] !== (n & 0xffff) || chars[at + 1] !== n >>> 16) return false;
    for (let i = 0; i < n; i++) if (chars[at + 2 + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** The row of `id`, creating it (as row `size`) when the id is new. */
  row(id: string): number {
    const h = hashId(id);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const row = slots[SLOT * s + 1]!;
      if (row === EMPTY) break;
      if (slots[SLOT * s] === h && this.same(slots[SLOT * s + 2]!, id)) return row;
      s = (s + 1) & mask;
    }
    return this.insert(id, h, s);
  }

  /** The row of `id`, or -1 when it was never seen. */
  find(id: string): number {
    const h = hashId(id);
    let s = h & this.mask;
    for (;;) {
      const row = this.slots[SLOT * s + 1]!;
      if (row === EMPTY) return EMPTY;
      if (this.slots[SLOT * s] === h && this.same(this.slots[SLOT * s + 2]!, id)) return row;
      s = (s + 1) & this.mask;
    }
  }

  private insert(id: string, h: number, s: number): number {
    const row = this.ids.length;
    this.ids.push(id);
    const n = id.length;
    if (this.used + n + 2 > this.chars.length) {
      const next = new Uint16Array(Math.max(this.chars.length * 2, this.used + n + 2));
      next.set(this.chars);
      this.chars = next;
    }
    const at = this.used;
    this.chars[at] = n & 0xffff;
    this.chars[at + 1] = n >>> 16;
    for (let i = 0; i < n; i++) this.chars[at + 2 + i] = id.charCodeAt(i);
    this.used += n + 2;
    const slots = this.slots;
    slots[SLOT * s] = h;
    slots[SLOT * s + 1] = row;
    slots[SLOT * s + 2] = at;
    if (2 * this.ids.length > this.mask + 1) this.grow();
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
