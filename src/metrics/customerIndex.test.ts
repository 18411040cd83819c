import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerIndex, hashId } from './customerIndex';

describe('CustomerIndex', () => {
  it('gives each distinct id one dense row, in order of first sight, like a Map', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 6 }),
            fc.nat({ max: 5000 }).map((n) => `cus_${n}`),
          ),
          {
            maxLength: 4000,
            size: 'max',
          },
        ),
        (ids) => {
          const index = new CustomerIndex();
          const map = new Map<string, number>();
          for (const id of ids) {
            if (!map.has(id)) map.set(id, map.size);
            // a copy of the string, as ids read from JSON are distinct objects
            expect(index.row(`${id} `.slice(0, -1))).toBe(map.get(id));
          }
          expect(index.size).toBe(map.size);
          expect(index.ids()).toEqual([...map.keys()]);
          for (const id of map.keys()) expect(index.find(id)).toBe(map.get(id));
          expect(index.find('\u0000never')).toBe(-1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tells apart ids whose hashes collide, of different and of equal lengths', () => {
    // found by searching `id_${i}` and `id_${i padded to 8 digits}`
    for (const pair of [
      ['id_283459', 'id_1311034'],
      ['id_00112789', 'id_00349192'],
    ] as const) {
      expect(hashId(pair[0])).toBe(hashId(pair[1]));
      const index = new CustomerIndex();
      expect([
        index.row(pair[0]),
        index.row(pair[1]),
        index.row(pair[0]),
        index.row(pair[1]),
      ]).toEqual([0, 1, 0, 1]);
      expect(index.find(pair[1])).toBe(1);
    }
  });

  it('keeps ids across arena chunks, records never straddling two, and ids longer than a chunk', () => {
    const index = new CustomerIndex();
    // 300,000 code units each: three fit in a 2^20 chunk, the fourth starts the next one
    const ids = Array.from(
      { length: 9 },
      (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(299_999)}`,
    );
    ids.splice(5, 0, 'y'.repeat(1_200_000)); // longer than a chunk
    ids.push('short');
    ids.forEach((id, i) => {
      expect(index.row(id)).toBe(i);
    });
    ids.forEach((id, i) => {
      expect(index.find(id)).toBe(i);
    });
    expect(index.ids()).toEqual(ids);
  });

  it('keeps ids of any length and characters', () => {
    const index = new CustomerIndex();
    const long = 'x'.repeat(70_000);
    const ids = ['', 'é', '😀', long, `${long}y`, 'a\u0000b'];
    ids.forEach((id, i) => {
      expect(index.row(id)).toBe(i);
    });
    ids.forEach((id, i) => {
      expect(index.find(id)).toBe(i);
    });
    expect(index.ids()).toEqual(ids);
  });
});
