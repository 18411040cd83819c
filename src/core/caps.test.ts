import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from './action';
import {
  type CappedAction,
  type FrequencyCap,
  nextAllowedByCaps,
  parseFrequencyCaps,
} from './caps';
import { RetentionInputError } from './errors';

const H = 3_600_000;
const D = 24 * H;

describe('frequency caps', () => {
  it('validates caps', () => {
    expect(parseFrequencyCaps([{ max: 2, per: '7d', channel: 'sms' }])).toEqual([
      { max: 2, perMs: 7 * D, scope: 'customer', channel: 'sms' },
    ]);
    expect(() =>
      parseFrequencyCaps([{ max: -1, per: '1d' }], {
        fn: 'defineRule',
        path: ['caps'],
        root: 'rule',
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: defineRule: rule.caps[0].max is out of range (expected a whole number >= 0; received integer)]`,
    );
    expect(() => parseFrequencyCaps([{ max: 1, per: 0 }])).toThrow(/per is out of range/);
    expect(() => parseFrequencyCaps([{ max: 1, per: { months: 1 } as never }])).toThrow(
      RetentionInputError,
    );
    expect(() => parseFrequencyCaps([{ max: 1, per: '1d', scope: 'team' as never }])).toThrow(
      /scope is not one of the allowed values/,
    );
  });

  it('delays until a counted action leaves the window, by scope and channel', () => {
    const history: CappedAction[] = [
      { at: 0, channel: 'email', definitionId: 'tips' },
      { at: D, channel: 'email', definitionId: 'tips' },
      { at: D, channel: 'sms', definitionId: 'billing' },
    ];
    const email = { at: 2 * D, channel: 'email' as const, definitionId: 'welcome' };
    expect(nextAllowedByCaps(history, email, [{ max: 3, per: '7d' }])).toBe(7 * D);
    expect(nextAllowedByCaps(history, email, [{ max: 2, per: '7d', scope: 'channel' }])).toBe(
      7 * D,
    );
    expect(nextAllowedByCaps(history, email, [{ max: 1, per: '7d', scope: 'definition' }])).toBe(
      2 * D,
    );
    expect(
      nextAllowedByCaps(history, { ...email, definitionId: 'tips' }, [
        { max: 1, per: '7d', scope: 'definition' },
      ]),
    ).toBe(8 * D);
    expect(nextAllowedByCaps(history, email, [{ max: 1, per: '7d', channel: 'sms' }])).toBe(2 * D);
    expect(nextAllowedByCaps(history, email, [{ max: 0, per: '1d' }])).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('counts actions already planned for later', () => {
    const planned: CappedAction[] = [{ at: 5 * D, channel: 'email', definitionId: 'x' }];
    expect(
      nextAllowedByCaps(planned, { at: 0, channel: 'email', definitionId: 'y' }, [
        { max: 1, per: '7d' },
      ]),
    ).toBe(12 * D);
    expect(
      nextAllowedByCaps(planned, { at: 0, channel: 'email', definitionId: 'y' }, [
        { max: 1, per: '5d' },
      ]),
    ).toBe(0);
  });

  it('equals a brute-force check of every window (hourly grid)', () => {
    const channel = fc.constantFrom<Channel>('email', 'sms', 'push');
    const action = fc.record({
      at: fc.integer({ min: 0, max: 400 }).map((h) => h * H),
      channel,
      definitionId: fc.constantFrom('a', 'b'),
    });
    const cap = fc.record(
      {
        max: fc.integer({ min: 0, max: 4 }),
        per: fc.integer({ min: 1, max: 200 }).map((h) => h * H),
        scope: fc.constantFrom<'customer' | 'channel' | 'definition'>(
          'customer',
          'channel',
          'definition',
        ),
        channel,
      },
      { requiredKeys: ['max', 'per'] },
    );
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 12 }),
        action,
        fc.array(cap, { minLength: 1, maxLength: 3 }),
        (history, candidate, caps: FrequencyCap[]) => {
          const result = nextAllowedByCaps(history, candidate, caps);
          expect(nextAllowedByCaps(history, candidate, parseFrequencyCaps(caps))).toBe(result);
          // a cap of the candidate's channel that allows nothing blocks it for good
          if (
            caps.some(
              (c) => c.max === 0 && (c.channel === undefined || c.channel === candidate.channel),
            )
          ) {
            expect(result).toBe(Number.POSITIVE_INFINITY);
            return;
          }
          const ok = (t: number) =>
            caps.every((c) => {
              if (c.channel !== undefined && c.channel !== candidate.channel) return true;
              const per = c.per as number;
              const counted = history.filter(
                (a) =>
                  (c.channel === undefined || a.channel === c.channel) &&
                  (c.scope === 'channel'
                    ? a.channel === candidate.channel
                    : c.scope === 'definition'
                      ? a.definitionId === candidate.definitionId
                      : true),
              );
              for (let s = t - per + H; s <= t; s += H) {
                if (counted.filter((a) => a.at >= s && a.at < s + per).length + 1 > c.max)
                  return false;
              }
              return true;
            });
          expect(result % H).toBe(0);
          expect(ok(result)).toBe(true);
          for (let t = candidate.at; t < result; t += H) expect(ok(t)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });
});
