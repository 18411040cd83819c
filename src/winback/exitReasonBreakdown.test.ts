import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMergeable, assertPure } from '../../test/helpers/contracts';
import { RetentionInputError } from '../core/errors';
import { simulateBusiness } from '../testing/index';
import { classifyExitReason } from './classifyExitReason';
import {
  type ExitReasonBreakdownOptions,
  type ExitReasonResponse,
  exitReasonBreakdown,
  exitReasonBreakdownAccumulator,
} from './exitReasonBreakdown';
import { EXIT_REASONS } from './exitReasons';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const arbResponse: fc.Arbitrary<ExitReasonResponse> = fc.record(
  {
    at: fc.integer({ min: T0, max: T0 + 400 * DAY }),
    reason: fc.constantFrom(...EXIT_REASONS),
    text: fc.constantFrom(
      'Too expensive',
      'Слишком много ошибок',
      'no idea',
      '',
      'Switched to a competitor, it was cheaper',
    ),
    segment: fc.constantFrom('starter', 'team', 'business'),
    kind: fc.constantFrom('exit', 'nps'),
  },
  { requiredKeys: ['at'] },
);

describe('exitReasonBreakdown', () => {
  it('counts chosen and classified answers per segment and period', () => {
    const r = exitReasonBreakdown(
      [
        { at: '2026-03-02T10:00:00Z', text: 'Too expensive for us', segment: 'starter' },
        { at: '2026-03-09T10:00:00Z', text: 'Слишком дорого', segment: 'starter' },
        { at: '2026-04-01T10:00:00Z', reason: 'no_value', text: 'bugs', segment: 'starter' },
        { at: '2026-04-03T10:00:00Z', text: 'whatever', segment: 'team' },
        { at: '2026-04-03T10:00:00Z', kind: 'nps', text: 'great' },
      ],
      { period: 'month' },
    );
    expect(r.total.responses).toBe(4);
    expect([r.total.chosen, r.total.classified, r.total.unclassified]).toEqual([1, 2, 1]);
    expect(r.total.counts.no_value).toBe(1); // the chosen reason wins over the text
    expect(r.total.counts.other).toBe(1);
    expect(r.periods.map((p) => [p.periodStart, p.responses])).toEqual([
      [Date.UTC(2026, 2, 1), 2],
      [Date.UTC(2026, 3, 1), 2],
    ]);
    expect(r.rows.map((x) => [x.segment, x.periodStart, x.responses])).toEqual([
      ['starter', Date.UTC(2026, 2, 1), 2],
      ['starter', Date.UTC(2026, 3, 1), 1],
      ['team', Date.UTC(2026, 3, 1), 1],
    ]);
  });

  it('counts low-confidence classifications as other when asked to', () => {
    const text = 'expensive, and bugs'; // a tie: confidence 0.333
    expect(exitReasonBreakdown([{ at: T0, text }]).total.counts.price).toBe(1);
    const strict = exitReasonBreakdown([{ at: T0, text }], { minConfidence: 0.5 }).total;
    expect([strict.counts.price, strict.counts.other, strict.unclassified]).toEqual([0, 1, 1]);
  });

  it('equals a naive count over classified answers', () => {
    fc.assert(
      fc.property(fc.array(arbResponse, { maxLength: 60 }), (responses) => {
        const r = exitReasonBreakdown(responses, { period: 'week' });
        const exits = responses.filter((x) => x.kind === undefined || x.kind === 'exit');
        expect(r.total.responses).toBe(exits.length);
        const typed = exits.filter((x) => x.reason === undefined);
        expect(r.total.chosen).toBe(exits.length - typed.length);
        expect(r.total.classified).toBe(
          typed.filter((x) => classifyExitReason(x.text ?? '').confidence > 0).length,
        );
        for (const reason of EXIT_REASONS) {
          const naive = exits.filter((x) => {
            if (x.reason !== undefined) return x.reason === reason;
            const c = classifyExitReason(x.text ?? '');
            return (c.confidence > 0 ? c.reason : 'other') === reason;
          }).length;
          expect(r.total.counts[reason]).toBe(naive);
        }
        const sum = (rows: readonly { responses: number }[]) =>
          rows.reduce((s, x) => s + x.responses, 0);
        expect(sum(r.rows)).toBe(exits.length);
        expect(sum(r.segments)).toBe(exits.length);
        expect(sum(r.periods)).toBe(exits.length);
        for (const x of [r.total, ...r.rows])
          for (const reason of EXIT_REASONS) {
            const share = x.shares[reason];
            expect(share === null || (share >= 0 && share <= 1)).toBe(true);
          }
      }),
      { numRuns: 100 },
    );
  });

  it('merges partitions to the answer of one pass, also through JSON', () => {
    fc.assert(
      fc.property(
        fc.array(arbResponse, { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 3 }),
        (responses, cuts) => {
          const options: ExitReasonBreakdownOptions = {
            period: 'month',
            timeZone: 'Europe/Moscow',
          };
          assertMergeable(() => exitReasonBreakdownAccumulator(options), responses, cuts);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('breaks down a simulated business, and is pure', () => {
    const business = simulateBusiness({ seed: 3, customers: 400, days: 120 });
    const plan = new Map(
      business.customers.map((c) => [c.id, String(c.attributes?.plan ?? 'unknown')]),
    );
    const responses = business.surveys.map((s) => ({ ...s, segment: plan.get(s.customerId)! }));
    const r = assertPure(exitReasonBreakdown, responses, { period: 'month' });
    expect(r.total.responses).toBe(business.surveys.filter((s) => s.kind === 'exit').length);
    expect(r.total.unclassified).toBe(0);
  });

  it('refuses to merge partitions made with other options', () => {
    const a = exitReasonBreakdownAccumulator({ period: 'month' });
    const b = exitReasonBreakdownAccumulator({ period: 'week' });
    expect(() => a.merge(b)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdownAccumulator.merge: other has an invalid value: a partition made with other options (or not a breakdown snapshot)]`,
    );
  });

  it('rejects malformed answers, naming the index', () => {
    const bad = (record: unknown) => () =>
      exitReasonBreakdown([{ at: T0, reason: 'price' }, record as ExitReasonResponse]);
    expect(bad({ at: 'yesterday' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: responses[1].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(bad({ at: T0, reason: 'bored' })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: responses[1].reason is not one of the allowed values (expected one of price, missing_feature, no_value, technical, support, competitor, temporary, other; received string)]`,
    );
    expect(bad({ at: T0, text: 42 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: responses[1].text has the wrong type (expected a string; received integer)]`,
    );
    expect(bad({ at: T0, segment: 7 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: responses[1].segment has the wrong type (expected a string; received integer)]`,
    );
    expect(bad(null)).toThrow(RetentionInputError);
    try {
      bad({ at: T0, reason: 'bored' })();
    } catch (e) {
      expect((e as RetentionInputError).index).toBe(1);
    }
  });

  it('rejects invalid options', () => {
    expect(() =>
      exitReasonBreakdown([], { period: 'fortnight' as 'week' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: options.period is not one of the allowed values (expected 'day', 'week', 'month', 'quarter' or 'year')]`,
    );
    expect(() => exitReasonBreakdown([], { timeZone: 'Mars/Olympus' })).toThrow(
      /options.timeZone is not a known IANA time zone/,
    );
    expect(() => exitReasonBreakdown([], { minConfidence: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: options.minConfidence is out of range (expected a number in [0, 1]; received integer)]`,
    );
    expect(() =>
      exitReasonBreakdown([], { weekStartsOn: 9 as 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: exitReasonBreakdown: options.weekStartsOn is out of range (expected an integer 0-6)]`,
    );
  });
});
