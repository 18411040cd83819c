/**
 * Stable hashing: MurmurHash3 (x86, 32 and 128 bit) over the UTF-8 bytes of a string. The same
 * string gives the same hash in every runtime, and in other languages (`mmh3.hash(s, seed,
 * signed=False)` and `mmh3.hash128(s, seed, x64arch=False)` in Python), so a team can reproduce a
 * holdout assignment or an idempotency key in its warehouse.
 *
 * @module
 */

/**
 * A scratch buffer for encoding strings, grown on demand and reused: hashing millions of keys
 * must not allocate a buffer per key. Safe because hashing is synchronous and never re-entrant.
 */
let scratch: Uint8Array | undefined;
/** The scratch buffer as 32-bit words, for hashing it four bytes at a time. */
let scratchWords: Int32Array | undefined;

/** Whether this runtime stores words little-endian, as MurmurHash3 reads its blocks. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function buffer(size: number): Uint8Array {
  if (scratch === undefined || scratch.length < size) {
    const grown = new ArrayBuffer(Math.max(256, Math.ceil((size * 2) / 16) * 16));
    scratch = new Uint8Array(grown);
    scratchWords = new Int32Array(grown);
  }
  return scratch;
}

/**
 * Writes the UTF-8 bytes of `text` into `out` from `start` (`out` has room for 3 bytes per UTF-16
 * unit); returns the end. Lone surrogates become U+FFFD.
 */
function writeUtf8(text: string, out: Uint8Array, start: number): number {
  let n = start;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/** The bytes to hash and how many: a string is encoded into the scratch buffer. */
function bytesOf(input: string | Uint8Array): [Uint8Array, number] {
  if (typeof input !== 'string') return [input, input.length];
  const out = buffer(input.length * 3);
  return [out, writeUtf8(input, out, 0)];
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function block(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/**
 * MurmurHash3 x86 32-bit of a string (its UTF-8 bytes) or of raw bytes.
 *
 * @param input - A string or bytes.
 * @param seed - A 32-bit seed. @defaultValue `0`
 * @returns An unsigned 32-bit integer.
 *
 * @example
 * murmur32('hello')
 * //=> 613153351
 *
 * @category core
 */
export function murmur32(input: string | Uint8Array, seed = 0): number {
  const [bytes, len] = bytesOf(input);
  return murmur32Of(bytes, len, seed);
}

/** MurmurHash3 x86 32-bit of the first `len` bytes. */
function murmur32Of(bytes: Uint8Array, len: number, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = block(bytes, i);
    k = Math.imul(k, c1);
    k = rotl(k, 15);
    k = Math.imul(k, c2);
    h ^= k;
    h = rotl(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = rotl(k, 15);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  return fmix32(h);
}

/**
 * MurmurHash3 x86 128-bit of a string (its UTF-8 bytes) or of raw bytes, as four unsigned 32-bit
 * words `[h1, h2, h3, h4]`.
 *
 * @param input - A string or bytes.
 * @param seed - A 32-bit seed. @defaultValue `0`
 * @returns The four words of the hash.
 *
 * @example
 * murmur128('').every((w) => w === 0)
 * //=> true
 *
 * @category core
 */
export function murmur128(input: string | Uint8Array, seed = 0): [number, number, number, number] {
  const [bytes, len] = bytesOf(input);
  return murmur128Bytes(bytes, len, seed);
}

/** MurmurHash3 x86 128-bit of the first `len` bytes. */
function murmur128Bytes(
  bytes: Uint8Array,
  len: number,
  seed: number,
): [number, number, number, number] {
  murmur128Into(bytes, len, seed);
  return [words[0]!, words[1]!, words[2]!, words[3]!];
}

/** The four words of the last {@link murmur128Into}, unsigned. */
const words = new Uint32Array(4);

/**
 * MurmurHash3 x86 128-bit of the first `len` bytes into {@link words}: no array per hash, and the
 * mixing stays in signed 32-bit integers (`| 0`), which the JIT keeps in registers.
 */
function murmur128Into(bytes: Uint8Array, len: number, seed: number): void {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789 | 0;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93 | 0;
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const blocks = len & ~15;
  // the scratch buffer starts at a word boundary: its blocks are read as words where the
  // runtime's words are little-endian (everywhere in practice), byte by byte otherwise
  const w = bytes === scratch && LITTLE_ENDIAN ? scratchWords! : null;
  for (let i = 0; i < blocks; i += 16) {
    let k1: number;
    let k2: number;
    let k3: number;
    let k4: number;
    if (w !== null) {
      const j = i >> 2;
      k1 = w[j]!;
      k2 = w[j + 1]!;
      k3 = w[j + 2]!;
      k4 = w[j + 3]!;
    } else {
      k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
      k2 = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
      k3 = bytes[i + 8]! | (bytes[i + 9]! << 8) | (bytes[i + 10]! << 16) | (bytes[i + 11]! << 24);
      k4 = bytes[i + 12]! | (bytes[i + 13]! << 8) | (bytes[i + 14]! << 16) | (bytes[i + 15]! << 24);
    }
    k1 = Math.imul(k1, c1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), c2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (Math.imul((h1 + h2) | 0, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = Math.imul((k2 << 16) | (k2 >>> 16), c3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul((h2 + h3) | 0, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = Math.imul((k3 << 17) | (k3 >>> 15), c4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (Math.imul((h3 + h4) | 0, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = Math.imul((k4 << 18) | (k4 >>> 14), c1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (Math.imul((h4 + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  const tail = len & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  if (tail >= 13) {
    for (let j = tail - 1; j >= 12; j--) k4 ^= bytes[blocks + j]! << ((j - 12) * 8);
    k4 = Math.imul(rotl(Math.imul(k4, c4), 18), c1);
    h4 ^= k4;
  }
  if (tail >= 9) {
    for (let j = Math.min(tail, 12) - 1; j >= 8; j--) k3 ^= bytes[blocks + j]! << ((j - 8) * 8);
    k3 = Math.imul(rotl(Math.imul(k3, c3), 17), c4);
    h3 ^= k3;
  }
  if (tail >= 5) {
    for (let j = Math.min(tail, 8) - 1; j >= 4; j--) k2 ^= bytes[blocks + j]! << ((j - 4) * 8);
    k2 = Math.imul(rotl(Math.imul(k2, c2), 16), c3);
    h2 ^= k2;
  }
  if (tail >= 1) {
    for (let j = Math.min(tail, 4) - 1; j >= 0; j--) k1 ^= bytes[blocks + j]! << (j * 8);
    k1 = Math.imul(rotl(Math.imul(k1, c1), 15), c2);
    h1 ^= k1;
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  words[0] = h1;
  words[1] = h2;
  words[2] = h3;
  words[3] = h4;
}

/** The character codes of `0-9a-f`. */
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/**
 * `rk1_` and the 32 hex digits of {@link words}, built as one flat string: joining hex pieces
 * with `+` would leave a rope that every later `Map` lookup or comparison has to flatten.
 */
function keyOfWords(): string {
  const x = HEX;
  const a = words[0]!;
  const b = words[1]!;
  const c = words[2]!;
  const d = words[3]!;
  return String.fromCharCode(
    114, // r
    107, // k
    49, // 1
    95, // _
    x[a >>> 28]!,
    x[(a >>> 24) & 15]!,
    x[(a >>> 20) & 15]!,
    x[(a >>> 16) & 15]!,
    x[(a >>> 12) & 15]!,
    x[(a >>> 8) & 15]!,
    x[(a >>> 4) & 15]!,
    x[a & 15]!,
    x[b >>> 28]!,
    x[(b >>> 24) & 15]!,
    x[(b >>> 20) & 15]!,
    x[(b >>> 16) & 15]!,
    x[(b >>> 12) & 15]!,
    x[(b >>> 8) & 15]!,
    x[(b >>> 4) & 15]!,
    x[b & 15]!,
    x[c >>> 28]!,
    x[(c >>> 24) & 15]!,
    x[(c >>> 20) & 15]!,
    x[(c >>> 16) & 15]!,
    x[(c >>> 12) & 15]!,
    x[(c >>> 8) & 15]!,
    x[(c >>> 4) & 15]!,
    x[c & 15]!,
    x[d >>> 28]!,
    x[(d >>> 24) & 15]!,
    x[(d >>> 20) & 15]!,
    x[(d >>> 16) & 15]!,
    x[(d >>> 12) & 15]!,
    x[(d >>> 8) & 15]!,
    x[(d >>> 4) & 15]!,
    x[d & 15]!,
  );
}

/**
 * Writes `JSON.stringify(parts)` as UTF-8 into the scratch buffer without building the string;
 * returns the length, or -1 when a part needs JSON escaping (a quote, a backslash, a control
 * character or a lone surrogate) or is not a finite number or a string, so the caller falls
 * back to `JSON.stringify`.
 */
function writeJsonParts(parts: readonly (string | number)[]): number {
  let size = 2;
  for (const p of parts) size += typeof p === 'string' ? p.length * 3 + 3 : 32;
  const out = buffer(size);
  let n = 0;
  out[n++] = 0x5b; // [
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[n++] = 0x2c; // ,
    const p = parts[i];
    if (typeof p === 'string') {
      out[n++] = 0x22; // "
      for (let j = 0; j < p.length; j++) {
        const c = p.charCodeAt(j);
        if (c < 0x20 || c === 0x22 || c === 0x5c) return -1;
        if (c < 0x80) out[n++] = c;
        else {
          if (c >= 0xd800 && c <= 0xdfff) return -1; // JSON.stringify escapes lone surrogates
          n = writeUtf8(p.charAt(j), out, n);
        }
      }
      out[n++] = 0x22;
    } else if (typeof p === 'number' && Number.isFinite(p)) {
      n = writeUtf8(String(p), out, n); // JSON writes finite numbers as String() does
    } else return -1;
  }
  out[n++] = 0x5d; // ]
  return n;
}

/**
 * A deterministic idempotency key for a planned action: 128 bits of MurmurHash3 over a canonical
 * encoding of the parts, as 32 hex characters after a `rk1_` prefix. The same parts always give
 * the same key; the key reveals nothing of the parts (customer ids stay out of provider logs).
 *
 * @param parts - What identifies one occurrence, e.g. `['triggers', ruleId, version, customerId, occurrence]`.
 * @returns The key, e.g. `'rk1_3f2a…'` (36 characters).
 *
 * @example
 * idempotencyKey(['triggers', 'cart-abandon', 1, 'cus_1', 'evt_9']) === idempotencyKey(['triggers', 'cart-abandon', 1, 'cus_1', 'evt_9'])
 * //=> true
 *
 * @category core
 */
export function idempotencyKey(parts: readonly (string | number)[]): string {
  const len = writeJsonParts(parts);
  if (len >= 0) murmur128Into(scratch!, len, 0);
  else {
    const [bytes, n] = bytesOf(JSON.stringify(parts));
    murmur128Into(bytes, n, 0);
  }
  return keyOfWords();
}

/**
 * Maps an id to a stable number in `[0, 1)`, uniformly: `murmur32(salt + ':' + id) / 2^32`. Use
 * it to assign holdout groups or rollout buckets that never change for a customer.
 *
 * @param id - The customer (or other) id.
 * @param salt - Separates independent assignments (one per campaign). @defaultValue `''`
 * @returns A number in `[0, 1)`.
 *
 * @example
 * stableFraction('cus_42', 'winback-2026')
 * //=> 0.454952416010201
 *
 * @example
 * // In a 10% holdout? The same answer on every call, in every runtime.
 * stableFraction('cus_42', 'winback-2026') < 0.1
 * //=> false
 *
 * @category core
 */
export function stableFraction(id: string, salt = ''): number {
  // the bytes of `${salt}:${id}` written in place: a joined string would be a rope, slow to
  // read character by character. A surrogate at either edge of ':' is lone in both, so the
  // bytes are the same.
  const out = buffer(3 * (salt.length + id.length + 1));
  let n = writeUtf8(salt, out, 0);
  out[n++] = 0x3a; // :
  n = writeUtf8(id, out, n);
  return murmur32Of(out, n, 0) / 4_294_967_296;
}
