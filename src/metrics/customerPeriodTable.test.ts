import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerPeriodTable, INLINE_CHARS, TABLE_BLOCK } from './customerPeriodTable';

const NO_KEY = 0x7fffffff;

/** Ids of every kind the table stores differently: short and long, Latin-1 or not, empty. */
const arbId = fc.oneof(
  fc.nat({ max: 3000 }).map((n) => `cus_${n}`),
  fc.string({ maxLength: INLINE_CHARS + 2 }),
  fc.string({ minLength: INLINE_CHARS - 1, maxLength: INLINE_CHARS + 1, unit: 'binary' }),
  fc.nat({ max: 3000 }).map((n) => `customer_${String(n).padStart(12, '0')}`),
  fc.nat({ max: 300 }).map((n) => `kunde_${n}_ä`),
  fc.nat({ max: 300 }).map((n) => `客户${n}`),
);

/** What the table should hold per id: the lowest cohort key and the set of return keys. */
interface Model {
  cohort: number;
  returns: Set<number>;
}

type Op = { id: string; key: number; start: boolean };

/**
 * Applies the operations to a table in blocks of `block` (staged, prefetched, then located),
 * as `cohortRetention` does; `block` 1 is the `add` path.
 */
function apply(ops: readonly Op[], block: number): CustomerPeriodTable {
  const table = new CustomerPeriodTable([NO_KEY]);
  for (let from = 0; from < ops.length; from += block) {
    const part = ops.slice(from, from + block);
    // a copy of each id string, as ids read from JSON are distinct objects
    part.forEach((op, j) => {
      table.stage(j, `${op.id} `.slice(0, -1));
    });
    table.prefetch(part.length);
    part.forEach((op, j) => {
      if (!op.start) table.cover(op.key);
      const at = table.locate(j);
      const data = table.data;
      if (op.start) {
        if (op.key < data[at]!) data[at] = op.key;
      } else table.setBit(at, op.key);
    });
  }
  return table;
}

function contents(table: CustomerPeriodTable): Map<string, Model> {
  const out = new Map<string, Model>();
  table.forEachSlot((at) => {
    const id = table.idAt(at);
    expect(out.has(id)).toBe(false);
    const returns = new Set<number>();
    table.forEachKey(at, (k) => returns.add(k));
    out.set(id, { cohort: table.data[at]!, returns });
  });
  return out;
}

describe('CustomerPeriodTable', () => {
  it('keeps one slot per distinct id with its lowest key and its return keys, like a Map', () => {
    fc.assert(
      fc.property(
        // keys within 64 periods keep the bitset in the slot; wider spans move it to dense rows
        fc.constantFrom(30, 400).chain((span) =>
          fc.array(
            fc.record({
              id: arbId,
              key: fc.integer({ min: -span, max: span }),
              start: fc.boolean(),
            }),
            { maxLength: 3000, size: 'max' },
          ),
        ),
        fc.constantFrom(1, 7, TABLE_BLOCK),
        (ops, block) => {
          const model = new Map<string, Model>();
          for (const op of ops) {
            const m = model.get(op.id) ?? { cohort: NO_KEY, returns: new Set<number>() };
            if (op.start) m.cohort = Math.min(m.cohort, op.key);
            else m.returns.add(op.key);
            model.set(op.id, m);
          }
          const table = apply(ops, block);
          expect(table.size).toBe(model.size);
          expect(contents(table)).toEqual(model);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tells apart ids that differ only past the inline part, or only in a non-Latin-1 unit', () => {
    const base = 'x'.repeat(INLINE_CHARS);
    const ids = [
      base,
      `${base}a`,
      `${base}b`,
      base.slice(1),
      `${base.slice(1)}\u0100`,
      `${base.slice(1)}\u0000`,
      '',
      '\u0000',
    ];
    const ops = ids.map((id, i) => ({ id, key: i, start: true }));
    const table = apply(ops, TABLE_BLOCK);
    expect(table.size).toBe(ids.length);
    expect(new Map([...contents(table)].map(([id, m]) => [id, m.cohort]))).toEqual(
      new Map(ids.map((id, i) => [id, i])),
    );
  });

  it('tells apart ids whose hashes collide, inline and in the arena', () => {
    // found by searching `id_${i}` and `customer-000000_${i}` (7 digits) for equal hashes
    const ids = ['id_0039599', 'id_0222382', 'customer-000000_0137786', 'customer-000000_1276240'];
    for (const block of [1, TABLE_BLOCK]) {
      const table = apply(
        ids.map((id, i) => ({ id, key: i, start: true })),
        block,
      );
      expect(table.size).toBe(4);
      expect(new Map([...contents(table)].map(([id, m]) => [id, m.cohort]))).toEqual(
        new Map(ids.map((id, i) => [id, i])),
      );
    }
  });

  it('keeps every customer and their keys through growth and widening', () => {
    // 40,000 customers: the table doubles ten times; return keys far apart widen the bit words
    // on both sides early (into dense rows), and the last customers' keys widen them again once
    // every customer has a row
    const ops: Op[] = [];
    const model = new Map<string, Model>();
    for (let i = 0; i < 40_000; i++) {
      const id = `c${i}`;
      const late = i >= 39_990 ? 10_000 + i - 39_990 : undefined;
      const back = late ?? (i % 2 === 0 ? 1000 + (i % 100) : -1000 - (i % 100));
      ops.push({ id, key: i % 50, start: true });
      ops.push({ id, key: back, start: false });
      model.set(id, { cohort: i % 50, returns: new Set([back]) });
    }
    for (const block of [1, TABLE_BLOCK]) {
      const table = apply(ops, block);
      expect(table.size).toBe(40_000);
      expect(contents(table)).toEqual(model);
    }
  });
});
