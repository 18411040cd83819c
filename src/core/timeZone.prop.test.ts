import { TZDate, tzOffset } from '@date-fns/tz';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbInstant, arbTimeZone } from '../testing/arbitraries';
import { fromWallClock, timeZoneOffset, toLocal, wallClock } from './timeZone';

describe('time-zone properties', () => {
  it('the cached offset equals the exact offset', () => {
    fc.assert(
      fc.property(
        arbTimeZone(),
        arbInstant({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, t) => {
          expect(timeZoneOffset(zone, t)).toBe(Math.round(tzOffset(zone, new Date(t)) * 60_000));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the offset is right whichever zones were asked for before, in any order', () => {
    // more zones than the offset lookup remembers by name, names of UTC among them, and copies of the
    // names built at run time (equal strings that are not the same object)
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            arbTimeZone(),
            fc.boolean(),
            arbInstant({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (calls) => {
          for (const [zone, copy, t] of calls) {
            const name = copy ? [...zone].join('') : zone;
            expect(timeZoneOffset(name, t)).toBe(Math.round(tzOffset(zone, new Date(t)) * 60_000));
            const wall = wallClock(t, name);
            expect(wallClock(fromWallClock(wall, name), zone)).toBe(wall);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(timeZoneOffset('Etc/GMT', Date.UTC(2026, 6, 1))).toBe(0);
    expect(fromWallClock(Date.UTC(2026, 6, 1, 9), 'Etc/UTC')).toBe(Date.UTC(2026, 6, 1, 9));
  });

  it('fromWallClock inverts wallClock', () => {
    fc.assert(
      fc.property(arbTimeZone(), arbInstant(), (zone, t) => {
        const back = fromWallClock(wallClock(t, zone), zone);
        // equal, except inside a repeated hour where the earlier instant wins
        expect(wallClock(back, zone)).toBe(wallClock(t, zone));
        expect(back).toBeLessThanOrEqual(t);
      }),
      { numRuns: 500 },
    );
  });

  it('toLocal agrees with TZDate', () => {
    fc.assert(
      fc.property(arbTimeZone(), arbInstant(), (zone, t) => {
        const d = new TZDate(t, zone);
        const l = toLocal(t, zone);
        expect([l.year, l.month, l.day, l.hour, l.minute, l.weekday]).toEqual([
          d.getFullYear(),
          d.getMonth() + 1,
          d.getDate(),
          d.getHours(),
          d.getMinutes(),
          d.getDay(),
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
