/**
 * A binary min-heap of `{ at, id }` entries ordered by `at`, then `id`: the memory store's index of
 * when rows become claimable. Entries are never removed early; a caller re-validates each popped
 * entry against its row (lazy deletion), so updating a row is one push.
 *
 * @internal
 */
export class InstantHeap {
  private readonly ats: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.ats.length;
  }

  push(at: number, id: string): void {
    this.ats.push(at);
    this.ids.push(id);
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

  /** Removes and returns the smallest entry. */
  pop(): { at: number; id: string } | undefined {
    const n = this.ats.length;
    if (n === 0) return undefined;
    const top = { at: this.ats[0]!, id: this.ids[0]! };
    const lastAt = this.ats.pop()!;
    const lastId = this.ids.pop()!;
    if (n > 1) {
      this.ats[0] = lastAt;
      this.ids[0] = lastId;
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
    return x < y || (x === y && this.ids[a]! < this.ids[b]!);
  }

  private swap(a: number, b: number): void {
    const at = this.ats[a]!;
    this.ats[a] = this.ats[b]!;
    this.ats[b] = at;
    const id = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = id;
  }
}
