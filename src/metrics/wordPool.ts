/**
 * Large `Int32Array`s that a cohort table has finished with, held weakly for the next table that
 * needs one of the same length.
 *
 * Why: typed-array memory counts against V8's external memory budget, and every 64 MB allocated
 * since the last full collection starts one. A cohort table over a million customers allocates
 * about 128 MB on its way to its final size (each doubling), so in a process that holds a large
 * heap (the events themselves) every call paid a full collection of that heap: 0.75 to 1 s with
 * ten million events in memory. Arrays handed back here are garbage in every other respect: they
 * are held through `WeakRef`, so a full collection frees them as it would have anyway, and
 * `takeWords` zeroes what it reuses. Where `WeakRef` does not exist, nothing is kept.
 *
 * @internal
 * @module
 */

/** Shorter arrays are cheap to allocate and not worth keeping. */
export const POOLED_WORDS = 1 << 16;
/** Arrays kept per length: enough for a few tables built one after another. */
const PER_LENGTH = 4;

const pool = new Map<number, WeakRef<Int32Array>[]>();
const weak = typeof WeakRef === 'function';

/** A zeroed `Int32Array` of `n` words: one handed back earlier when one is still alive, else a new one. */
export function takeWords(n: number): Int32Array {
  if (weak && n >= POOLED_WORDS) {
    const refs = pool.get(n);
    while (refs !== undefined && refs.length > 0) {
      const words = refs.pop()!.deref();
      if (words !== undefined) return words.fill(0);
    }
  }
  return new Int32Array(n);
}

/** Hands back `words`, which the caller must no longer read or write. */
export function giveWords(words: Int32Array): void {
  const n = words.length;
  if (!weak || n < POOLED_WORDS) return;
  let refs = pool.get(n);
  if (refs === undefined) {
    refs = [];
    pool.set(n, refs);
  }
  if (refs.length < PER_LENGTH) refs.push(new WeakRef(words));
}
