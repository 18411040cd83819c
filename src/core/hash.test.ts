import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idempotencyKey, murmur32, murmur128, stableFraction } from './hash';

/**
 * SMHasher's verification: hash keys {}, {0}, {0,1}, ... {0..254} with seed 256-i, hash the
 * concatenated results with seed 0, and read the first 32 bits. The published values identify
 * the reference implementations: 0xB0F57EE3 for MurmurHash3_x86_32, 0xB3ECE62A for x86_128.
 */
function verification(
  hash: (b: Uint8Array, seed: number) => readonly number[],
  width: number,
): number {
  const key = new Uint8Array(256);
  const all = new Uint8Array(width * 256);
  for (let i = 0; i < 256; i++) {
    key[i] = i;
    const words = hash(key.subarray(0, i), 256 - i);
    words.forEach((w, j) => {
      for (let b = 0; b < 4; b++) all[i * width + j * 4 + b] = (w >>> (8 * b)) & 255;
    });
  }
  return hash(all, 0)[0]!;
}

describe('hashing', () => {
  it('is the reference MurmurHash3 (SMHasher verification values)', () => {
    expect(verification((b, s) => [murmur32(b, s)], 4)).toBe(0xb0f57ee3);
    expect(verification((b, s) => murmur128(b, s), 16)).toBe(0xb3ece62a);
  });

  it('hashes a string in its scratch buffer (read by words) as its bytes (read one by one)', () => {
    // strings are encoded into a reused, word-aligned buffer and hashed four bytes at a time;
    // byte arrays passed in (any offset) are read byte by byte: both must agree
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.integer(), (text, seed) => {
        const bytes = new TextEncoder().encode(text); // lone surrogates as U+FFFD, as the hash
        const shifted = new Uint8Array(bytes.length + 1);
        shifted.set(bytes, 1);
        expect(murmur128(text, seed)).toEqual(murmur128(bytes, seed));
        expect(murmur128(text, seed)).toEqual(murmur128(shifted.subarray(1), seed));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes strings as UTF-8', () => {
    expect(murmur32('hello')).toBe(murmur32(new Uint8Array([104, 101, 108, 108, 111])));
    expect(murmur32('é')).toBe(murmur32(new Uint8Array([0xc3, 0xa9])));
    expect(murmur32('😀')).toBe(murmur32(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])));
    expect(murmur32('Привет')).not.toBe(murmur32('Привет '));
  });

  it('gives deterministic, opaque idempotency keys', () => {
    const parts = ['triggers', 'cart-abandon', 'alice@example.com', 'evt_9'];
    const key = idempotencyKey(parts);
    expect(key).toMatch(/^rk1_[0-9a-f]{32}$/);
    expect(idempotencyKey([...parts])).toBe(key);
    expect(key).not.toContain('alice');
    // the encoding is unambiguous: moving a separator changes the key
    expect(idempotencyKey(['a:b', 'c'])).not.toBe(idempotencyKey(['a', 'b:c']));
  });

  it('spreads ids uniformly over [0, 1)', () => {
    const buckets = new Array(10).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const f = stableFraction(`cus_${i}`, 'campaign-1');
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      buckets[Math.floor(f * 10)]++;
    }
    // chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value
    const chi = buckets.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('stableFraction hashes the bytes of salt:id, lone surrogates at the joint included', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', ':', '\ud83d', '\ude00', '\ud83d\ude00', 'é', '中'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary' })), text, (id, salt) => {
        expect(stableFraction(id, salt)).toBe(murmur32(`${salt}:${id}`) / 4_294_967_296);
        expect(stableFraction(id)).toBe(murmur32(`:${id}`) / 4_294_967_296);
      }),
      { numRuns: 500 },
    );
  });

  it('has no collisions among distinct keys in a large sample', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 100, maxLength: 300 }), (strings) => {
        expect(new Set(strings.map((s) => idempotencyKey([s]))).size).toBe(strings.length);
      }),
      { numRuns: 20 },
    );
  });

  it('encodes key parts exactly as JSON.stringify and UTF-8 would (the fast path is only a shortcut)', () => {
    const reference = (parts: readonly (string | number)[]) => {
      const words = murmur128(new TextEncoder().encode(JSON.stringify(parts)));
      return `rk1_${words.map((w) => w.toString(16).padStart(8, '0')).join('')}`;
    };
    const part = fc.oneof(
      fc.string({ unit: 'grapheme-ascii' }),
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom('a', '"', '\\', '\n', '\u2028', '\ud83d', '\ude00', 'é', '中'),
      }),
      fc.integer(),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        expect(idempotencyKey(parts)).toBe(reference(parts));
      }),
      { numRuns: 400 },
    );
    // hashing a long string grows the shared buffer, and a short one after it still hashes alone
    expect(murmur32('x'.repeat(5000))).toBe(murmur32(new TextEncoder().encode('x'.repeat(5000))));
    expect(murmur32('ab')).toBe(murmur32(new Uint8Array([97, 98])));
  });
});
