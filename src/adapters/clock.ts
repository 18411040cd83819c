import type { Clock } from './types';

/**
 * The clock that reads the system time: the only place in the library that does.
 *
 * @example
 * typeof systemClock.now()
 * //=> 'number'
 *
 * @category adapters
 */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock you move by hand, for tests, simulations and replays.
 *
 * @category adapters
 */
export interface ManualClock extends Clock {
  /** Sets the time. */
  set(instant: number): void;
  /** Moves the time forward (or back, with a negative value). */
  advance(ms: number): void;
}

/**
 * Creates a clock that stays where you put it.
 *
 * @param start - The initial time in epoch milliseconds. @defaultValue `0`
 * @returns The clock.
 *
 * @example
 * const clock = createManualClock(1000);
 * clock.advance(500);
 * clock.now()
 * //=> 1500
 *
 * @category adapters
 */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  return {
    now: () => now,
    set(instant) {
      now = instant;
    },
    advance(ms) {
      now += ms;
    },
  };
}
