/**
 * The first seven UTF-16 units of `id` as one number that orders as the strings do (seven bits
 * each, a missing unit as 0), or -1 when one of them is not ASCII. Two ids whose numbers differ
 * compare as their numbers; equal numbers (a shared seven-unit prefix, or a NUL in one of them)
 * say nothing, and the strings themselves are compared.
 */
function prefixOf(id: string): number {
  let k = 0;
  for (let i = 0; i < 7; i++) {
    const c = i < id.length ? id.charCodeAt(i) : 0;
    if (c >= 128) return -1;
    k = k * 128 + c;
  }
  return k;
}

/**
 * A binary min-heap of entries ordered by `at`, then `id`, each carrying an item (the memory
 * store's row, so a claim needs no lookup by id): the memory store's index of when rows become
 * claimable. Entries are never removed early; a caller re-validates each popped entry against its
 * row (lazy deletion), so updating a row is one push.
 *
 * A daily tick makes most entries share their `at`, so most steps compare ids; each entry keeps
 * a number for its id's first characters ({@link prefixOf}) beside it, and the strings are read
 * only when those numbers cannot decide.
 *
 * @internal
 */
export class InstantHeap<T> {
  private readonly ats: number[] = [];
  private readonly ids: string[] = [];
  private readonly prefixes: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.ats.length;
  }

  push(at: number, id: string, item: T): void {
    this.ats.push(at);
    this.ids.push(id);
    this.prefixes.push(prefixOf(id));
    this.items.push(item);
    let i = this.ats.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The smallest entry's `at`, or `Infinity` when empty. */
  peekAt(): number {
    return this.ats.length === 0 ? Number.POSITIVE_INFINITY : this.ats[0]!;
  }

  /** Removes the smallest entry and returns its item (read its `at` with {@link peekAt} first). */
  pop(): T | undefined {
    const n = this.ats.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const lastAt = this.ats.pop()!;
    const lastId = this.ids.pop()!;
    const lastPrefix = this.prefixes.pop()!;
    const lastItem = this.items.pop()!;
    if (n > 1) {
      this.ats[0] = lastAt;
      this.ids[0] = lastId;
      this.prefixes[0] = lastPrefix;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.ats.length && this.less(l, m)) m = l;
        if (r < this.ats.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.ats[a]!;
    const y = this.ats[b]!;
    if (x !== y) return x < y;
    const p = this.prefixes[a]!;
    const q = this.prefixes[b]!;
    if (p !== q && p >= 0 && q >= 0) return p < q;
    return this.ids[a]! < this.ids[b]!;
  }

  // Four swaps written out: a shared swap helper takes each list's element kind at one call site
  // and so gets slower access to all of them (about 1.55x the time for 200,000 pushes and pops in
  // a scratch benchmark).
  private swap(a: number, b: number): void {
    const at = this.ats[a]!;
    this.ats[a] = this.ats[b]!;
    this.ats[b] = at;
    const id = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = id;
    const prefix = this.prefixes[a]!;
    this.prefixes[a] = this.prefixes[b]!;
    this.prefixes[b] = prefix;
    const item = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = item;
  }
}
