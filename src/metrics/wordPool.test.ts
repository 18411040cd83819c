import { describe, expect, it } from 'vitest';
import { cohortRetention, cohortRetentionAccumulator } from './cohortRetention';
import { CustomerPeriodTable, TABLE_BLOCK } from './customerPeriodTable';
import type { MetricEvent } from './inputs';
import { giveWords, POOLED_WORDS, takeWords } from './wordPool';

describe('word pool', () => {
  it('hands back an array of the same length, zeroed', () => {
    const given = new Int32Array(POOLED_WORDS + 3).fill(-7);
    giveWords(given);
    const taken = takeWords(POOLED_WORDS + 3);
    // the WeakRef made above keeps its array alive to the end of this task at least
    expect(taken).toBe(given);
    expect(taken.every((w) => w === 0)).toBe(true);
    // and only once
    expect(takeWords(POOLED_WORDS + 3)).not.toBe(given);
  });

  it('keeps neither short arrays nor more than a few of one length', () => {
    const short = new Int32Array(POOLED_WORDS - 1);
    giveWords(short);
    expect(takeWords(POOLED_WORDS - 1)).not.toBe(short);
    const n = POOLED_WORDS + 5;
    const given: Int32Array[] = Array.from({ length: 6 }, () => new Int32Array(n));
    for (const words of given) giveWords(words);
    const taken = Array.from({ length: 6 }, () => takeWords(n));
    expect(taken.filter((words) => given.includes(words))).toHaveLength(4);
  });

  it('leaves nothing of a cleared table in the next one', () => {
    const fill = (table: CustomerPeriodTable, prefix: string, count: number, key: number) => {
      for (let from = 0; from < count; from += TABLE_BLOCK) {
        const n = Math.min(TABLE_BLOCK, count - from);
        for (let j = 0; j < n; j++) table.stage(j, `${prefix}${from + j}`);
        table.prefetch(n);
        for (let j = 0; j < n; j++) {
          table.cover(key + ((from + j) % 40));
          table.setBit(table.locate(j), key + ((from + j) % 40));
        }
      }
    };
    const first = new CustomerPeriodTable([0]);
    fill(first, 'a', 30_000, 0);
    first.clear();
    expect(first.size).toBe(0);
    // both take the arrays that `first` gave up: a new table, and `first` filled again
    const second = new CustomerPeriodTable([0]);
    fill(second, 'b', 20_000, 500);
    fill(first, 'b', 20_000, 500);
    for (const t of [first, second]) {
      expect(t.size).toBe(20_000);
      const seen = new Set<string>();
      t.forEachSlot((at) => {
        const id = t.idAt(at);
        seen.add(id);
        const keys: number[] = [];
        t.forEachKey(at, (k) => keys.push(k));
        expect(keys).toEqual([500 + (Number(id.slice(1)) % 40)]);
      });
      expect(seen.size).toBe(20_000);
    }
  });

  it('gives cohortRetention the answer of a fresh accumulator, call after call', () => {
    const DAY = 86_400_000;
    const t0 = Date.UTC(2025, 0, 1);
    const events = (seed: number): MetricEvent[] => {
      const out: MetricEvent[] = [];
      for (let i = 0; i < 12_000; i++) {
        const id = `cus_${seed}_${i}`;
        const start = t0 + ((i * 7919 + seed) % 300) * DAY;
        out.push({ customerId: id, type: 'signup', at: start });
        for (let k = 1; k <= (i + seed) % 4; k++) {
          out.push({ customerId: id, type: 'login', at: start + k * ((i % 5) + 20) * DAY });
        }
      }
      return out;
    };
    for (const criterion of ['on', 'onOrAfter'] as const) {
      for (const granularity of ['month', 'day'] as const) {
        const options = { granularity, criterion, startEvent: 'signup', returnEvent: 'login' };
        for (const seed of [1, 2, 3]) {
          const data = events(seed);
          expect(cohortRetention(data, options)).toEqual(
            cohortRetentionAccumulator(options).addAll(data).result(),
          );
        }
      }
    }
  });
});
