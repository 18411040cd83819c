import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbNearClockChange } from '../../test/helpers/clockChanges';
import { nextInSendWindow, parseSendWindow, type Weekday } from '../core/schedule';
import { arbTimeZone } from '../testing/index';
import { nextSendable } from './sendWindow';

// Instants spread over 2026, and instants within ten days of its clock changes.
const arbInstant = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
  arbNearClockChange(),
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
