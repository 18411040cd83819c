import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstantHeap } from './heap';

/** Ids that stress the prefix numbers: shared prefixes, NULs, non-ASCII units, any length. */
const id = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom('a', 'b', '\u0000', '\u007f', '\u0080', 'é', '😀'),
    maxLength: 10,
  }),
  fc.nat(2_000).map((n) => `cus_${String(n).padStart(6, '0')}`),
  fc.nat(2_000).map((n) => `c${n}`),
);

describe('InstantHeap', () => {
  it('pops entries by instant, then by id as strings compare, whatever the ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 3 }), id }), { maxLength: 200 }),
        (entries) => {
          const heap = new InstantHeap<{ at: number; id: string }>();
          for (const e of entries) heap.push(e.at, e.id, e);
          expect(heap.size).toBe(entries.length);
          const popped: { at: number; id: string }[] = [];
          while (heap.size > 0) {
            const at = heap.peekAt();
            const e = heap.pop()!;
            // the item comes back with its own entry
            expect(e.at).toBe(at);
            popped.push(e);
          }
          expect(heap.pop()).toBeUndefined();
          const expected = [...entries].sort((a, b) =>
            a.at !== b.at ? a.at - b.at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
          );
          expect(popped).toEqual(expected);
          expect(heap.peekAt()).toBe(Number.POSITIVE_INFINITY);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('orders ids that differ only past their seventh unit, or by a NUL, as strings', () => {
    const heap = new InstantHeap<string>();
    const ids = ['cus_0000002', 'cus_0000001', 'ab\u0000', 'ab', 'ab\u0000\u0000', 'é', 'z'];
    for (const i of ids) heap.push(5, i, i);
    const out: string[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e);
    expect(out).toEqual([...ids].sort());
  });
});
