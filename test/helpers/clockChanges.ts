/**
 * Instants near the clock changes of 2026, for properties that must hold across them. Internal to
 * the tests.
 */
import fc from 'fast-check';

const HOUR = 3_600_000;

/**
 * The clock changes of 2026 in the zones of `arbTimeZone` (United States, Europe, Australia and
 * Lord Howe, New Zealand and Chatham, Chile, Morocco around Ramadan), to the hour.
 */
export const CLOCK_CHANGES_2026 = [
  Date.UTC(2026, 1, 15, 2),
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 2, 22, 2),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 3, 5, 2),
  Date.UTC(2026, 8, 6, 4),
  Date.UTC(2026, 8, 27, 14),
  Date.UTC(2026, 9, 4, 16),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 10, 1, 6),
] as const;

/** An instant within ten days of a clock change of 2026. */
export function arbNearClockChange(): fc.Arbitrary<number> {
  return fc
    .tuple(
      fc.constantFrom(...CLOCK_CHANGES_2026),
      fc.integer({ min: -10 * 24 * HOUR, max: 10 * 24 * HOUR }),
    )
    .map(([c, d]) => c + d);
}
