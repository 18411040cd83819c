import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbInstant, arbIsoString } from '../testing/arbitraries';
import { isInstantInput, toInstant } from './instant';

describe('toInstant properties', () => {
  it('round-trips through Date and toISOString', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(toInstant(new Date(ms))).toBe(ms);
        expect(toInstant(ms)).toBe(ms);
        if (Math.abs(ms) < 253402300800000 && ms >= -62167219200000)
          expect(toInstant(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });

  it('agrees with Date.parse on ISO-8601 strings with any offset', () => {
    fc.assert(
      fc.property(
        arbIsoString({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
        (text) => {
          expect(toInstant(text)).toBe(Date.parse(text));
        },
      ),
    );
  });

  it('is invariant under the offset a string is written in', () => {
    fc.assert(
      fc.property(arbInstant(), fc.integer({ min: -720, max: 840 }), (ms, offset) => {
        const t = Math.floor(ms / 60_000) * 60_000;
        const local = new Date(t + offset * 60_000).toISOString().slice(0, 19);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(toInstant(text)).toBe(t);
      }),
    );
  });

  it('accepts exactly what isInstantInput accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.double(),
          fc.integer(),
          fc.date({ noInvalidDate: false }),
          arbIsoString(),
        ),
        (value) => {
          let ok = true;
          try {
            toInstant(value);
          } catch {
            ok = false;
          }
          expect(ok).toBe(isInstantInput(value));
        },
      ),
    );
  });
});
