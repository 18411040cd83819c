import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { actionKey } from '../core/action';
import { winbackActionKey } from './keys';

describe('winbackActionKey', () => {
  it('equals core actionKey for any parts, escaped, non-ASCII or long', () => {
    const part = fc.oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.string({
        unit: fc.constantFrom('a', '"', '\\', '\n', '\u007f', 'é', '中', '\ud83d', '\ude00'),
        minLength: 1,
      }),
      fc.string({ minLength: 300, maxLength: 700 }),
    );
    fc.assert(
      fc.property(
        part,
        part,
        part,
        part,
        fc.integer({ min: 1, max: 99 }),
        (customer, definition, occurrence, step, version) => {
          expect(winbackActionKey(customer, definition, occurrence, step)).toBe(
            actionKey(customer, {
              module: 'winback',
              definitionId: definition,
              version,
              occurrence,
              step,
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
    // a short key after a long one hashes only its own bytes
    expect(winbackActionKey('c', 'w', 'o', 's')).toBe(
      actionKey('c', {
        module: 'winback',
        definitionId: 'w',
        version: 1,
        occurrence: 'o',
        step: 's',
      }),
    );
  });

  it("equals core actionKey at every length as core's key buffer grows", async () => {
    vi.resetModules();
    const fresh = await import('./keys');
    for (let n = 1; n <= 1200; n++) {
      const customer = 'c'.repeat(n);
      expect(fresh.winbackActionKey(customer, 'w', 'o', 's')).toBe(
        actionKey(customer, {
          module: 'winback',
          definitionId: 'w',
          version: 1,
          occurrence: 'o',
          step: 's',
        }),
      );
    }
  });
});
