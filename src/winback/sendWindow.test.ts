import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextInSendWindow, parseSendWindow, type Weekday } from '../core/schedule';
import { arbTimeZone } from '../testing/index';
import { nextSendable } from './sendWindow';

const HOUR = 3_600_000;
// Instants spread over 2026, and instants within ten days of the clock changes of 2026 in the
// zones of arbTimeZone (United States, Europe, Australia and Lord Howe, New Zealand and Chatham,
// Chile, Morocco around Ramadan).
const CHANGES = [
  Date.UTC(2026, 1, 15, 2),
  Date.UTC(2026, 2, 22, 2),
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 3, 5, 2),
  Date.UTC(2026, 8, 6, 4),
  Date.UTC(2026, 8, 27, 14),
  Date.UTC(2026, 9, 4, 16),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 10, 1, 6),
];
const arbInstant = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
  fc
    .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -10 * 24 * HOUR, max: 10 * 24 * HOUR }))
    .map(([c, d]) => c + d),
);
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

describe('nextSendable', () => {
  it('equals core nextInSendWindow', () => {
    fc.assert(
      fc.property(
        arbInstant,
        arbTimeZone(),
        time,
        time,
        fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), {
          nil: undefined,
        }),
        (t, zone, start, end, days) => {
          fc.pre(start !== end);
          const window = parseSendWindow({
            start,
            end,
            ...(days === undefined ? {} : { days: days as Weekday[] }),
          });
          expect(nextSendable(t, window, zone)).toBe(nextInSendWindow(t, window, zone));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
