/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) with the samplers the
 * simulator and the model fitters need. Deterministic for a seed in every runtime; not for
 * cryptography.
 *
 * @module
 */

/**
 * A seeded source of random numbers.
 *
 * @category core
 */
export interface Random {
  /** A float in `[0, 1)`. */
  next(): number;
  /** An integer in `[0, n)`. */
  int(n: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** A standard normal variate (mean 0, standard deviation 1). */
  normal(): number;
  /** An exponential variate with the given rate. */
  exponential(rate: number): number;
  /** A gamma variate with the given shape and scale. */
  gamma(shape: number, scale?: number): number;
  /** A beta variate. */
  beta(a: number, b: number): number;
  /** A Poisson variate with the given mean. */
  poisson(mean: number): number;
  /** A log-normal variate whose logarithm has the given mean and standard deviation. */
  logNormal(mu: number, sigma: number): number;
  /** An index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number;
  /** An element drawn uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A new generator whose stream is independent of this one, derived from a label. */
  fork(label: number | string): Random;
  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function labelSeed(label: number | string): number {
  if (typeof label === 'number') return label >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Creates a seeded generator. The same seed gives the same sequence everywhere.
 *
 * @param seed - Any integer (taken modulo 2^32) or a string.
 * @returns A {@link Random}.
 *
 * @example
 * createRandom(42).next() === createRandom(42).next()
 * //=> true
 *
 * @category core
 */
export function createRandom(seed: number | string): Random {
  const init = splitmix32(labelSeed(seed));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 12; i++) next();
  let spareNormal: number | undefined;

  const random: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    normal() {
      if (spareNormal !== undefined) {
        const v = spareNormal;
        spareNormal = undefined;
        return v;
      }
      let u = 0;
      let v = 0;
      let s = 0;
      do {
        u = next() * 2 - 1;
        v = next() * 2 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spareNormal = v * f;
      return u * f;
    },
    exponential: (rate) => -Math.log(1 - next()) / rate,
    gamma(shape, scale = 1) {
      // Marsaglia and Tsang (2000); shapes below 1 by the boost Gamma(k) = Gamma(k+1) * U^(1/k).
      if (shape < 1) {
        const u = next();
        return random.gamma(shape + 1, scale) * u ** (1 / shape);
      }
      const dd = shape - 1 / 3;
      const cc = 1 / Math.sqrt(9 * dd);
      for (;;) {
        let x = 0;
        let v = 0;
        do {
          x = random.normal();
          v = 1 + cc * x;
        } while (v <= 0);
        v = v * v * v;
        const u = next();
        if (u < 1 - 0.0331 * x * x * x * x) return dd * v * scale;
        if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v * scale;
      }
    },
    beta(a, b) {
      const x = random.gamma(a);
      const y = random.gamma(b);
      return x / (x + y);
    },
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean < 30) {
        const limit = Math.exp(-mean);
        let k = 0;
        let p = next();
        while (p > limit) {
          k++;
          p *= next();
        }
        return k;
      }
      // Large means: normal approximation with continuity correction is plenty for simulation.
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
    },
    logNormal: (mu, sigma) => Math.exp(mu + sigma * random.normal()),
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    fork: (label) => createRandom((Math.floor(next() * 4_294_967_296) ^ labelSeed(label)) >>> 0),
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
  };
  return random;
}

/**
 * Derives a generator for one item of a collection (customer number `index` under `seed`) without
 * advancing any other generator, so adding items never changes the streams of existing ones.
 *
 * @param seed - The collection's seed.
 * @param index - The item's position or label.
 * @returns A {@link Random} unique to the pair.
 *
 * @example
 * streamFor(7, 3).next() === streamFor(7, 3).next()
 * //=> true
 *
 * @category core
 */
export function streamFor(seed: number | string, index: number | string): Random {
  const s = splitmix32(labelSeed(seed) ^ Math.imul(labelSeed(index) + 0x632be5ab, 0x9e3779b1))();
  return createRandom(s);
}
