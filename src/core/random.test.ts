import { describe, expect, it } from 'vitest';
import { createRandom, streamFor } from './random';

function mean(f: () => number, n = 40_000): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += f();
  return s / n;
}

describe('seeded random', () => {
  it('is deterministic and seed-sensitive', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 10 }, () => a.next());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(xs);
    expect(createRandom(43).next()).not.toBe(xs[0]);
    expect(createRandom('seed').next()).toBe(createRandom('seed').next());
    expect(streamFor(7, 3).next()).toBe(streamFor(7, 3).next());
    expect(streamFor(7, 3).next()).not.toBe(streamFor(7, 4).next());
  });

  it('samples with the right means', () => {
    const r = createRandom(1);
    expect(mean(() => r.next())).toBeCloseTo(0.5, 1);
    expect(mean(() => r.normal())).toBeCloseTo(0, 1);
    expect(mean(() => r.exponential(2))).toBeCloseTo(0.5, 1);
    expect(mean(() => r.gamma(3, 2))).toBeCloseTo(6, 0);
    expect(mean(() => r.gamma(0.25, 4))).toBeCloseTo(1, 0);
    expect(mean(() => r.beta(2, 6))).toBeCloseTo(0.25, 1);
    expect(mean(() => r.poisson(3))).toBeCloseTo(3, 0);
    expect(mean(() => r.poisson(50))).toBeCloseTo(50, -1);
    expect(mean(() => (r.chance(0.3) ? 1 : 0))).toBeCloseTo(0.3, 1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weighted([1, 2, 7])]!++;
    expect(counts[2]! / 30_000).toBeCloseTo(0.7, 1);
  });

  it('shuffles and picks within bounds', () => {
    const r = createRandom(5);
    const items = [1, 2, 3, 4, 5, 6];
    expect([...r.shuffle([...items])].sort()).toEqual(items);
    for (let i = 0; i < 100; i++) {
      expect(items).toContain(r.pick(items));
      const n = r.int(6);
      expect(n >= 0 && n < 6).toBe(true);
    }
  });
});
