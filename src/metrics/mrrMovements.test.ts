import { describe, expect, it } from 'vitest';
import type { MrrChange } from '../core/records';
import { mrrMovements, mrrMovementsAccumulator } from './mrrMovements';

const from = Date.UTC(2026, 0, 1);
const to = Date.UTC(2026, 1, 1);
const DAY = 86_400_000;
const period = { from, to };

describe('mrrMovements', () => {
  it('classifies new business, expansion, contraction, churn and reactivation as ChartMogul does', () => {
    const changes: MrrChange[] = [
      { customerId: 'new', at: from + DAY, mrr: 3000 },
      { customerId: 'up', at: from - DAY, mrr: 1000 },
      { customerId: 'up', at: from + 2 * DAY, mrr: 1500 },
      { customerId: 'down', at: from - DAY, mrr: 2000 },
      { customerId: 'down', at: from + 3 * DAY, mrr: 1200 },
      { customerId: 'gone', at: from - 40 * DAY, mrr: 900 },
      { customerId: 'gone', at: from + 4 * DAY, mrr: 0 },
      { customerId: 'back', at: from - 90 * DAY, mrr: 500 },
      { customerId: 'back', at: from - 60 * DAY, mrr: 0 },
      { customerId: 'back', at: from + 5 * DAY, mrr: 700 },
    ];
    const m = mrrMovements(changes, period);
    expect(m.newBusiness).toEqual({ mrr: 3000, customers: 1, count: 1 });
    expect(m.expansion).toEqual({ mrr: 500, customers: 1, count: 1 });
    expect(m.contraction).toEqual({ mrr: 800, customers: 1, count: 1 });
    expect(m.churn).toEqual({ mrr: 900, customers: 1, count: 1 });
    expect(m.reactivation).toEqual({ mrr: 700, customers: 1, count: 1 });
    expect(m.endingMrr).toBe(m.startingMrr + m.netNewMrr);
  });

  it('sums subscriptions: cancelling one of two is a contraction, adding a second is an expansion', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', subscriptionId: 's1', at: from - DAY, mrr: 1000 },
      { customerId: 'a', subscriptionId: 's2', at: from + DAY, mrr: 400 },
      { customerId: 'a', subscriptionId: 's1', at: from + 2 * DAY, mrr: 0 },
    ];
    const m = mrrMovements(changes, period);
    expect(m.expansion.mrr).toBe(400);
    expect(m.contraction.mrr).toBe(1000);
    expect(m.churn.mrr).toBe(0);
    expect(m.endingMrr).toBe(400);
  });

  it('classifies the changes of one customer at one instant together (a plan switch is one movement)', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', subscriptionId: 'old', at: from - DAY, mrr: 1000 },
      { customerId: 'a', subscriptionId: 'old', at: from + DAY, mrr: 0 },
      { customerId: 'a', subscriptionId: 'new', at: from + DAY, mrr: 1200 },
    ];
    const m = mrrMovements(changes, period);
    expect(m.expansion).toEqual({ mrr: 200, customers: 1, count: 1 });
    expect(m.churn.count + m.newBusiness.count + m.reactivation.count).toBe(0);
  });

  it('counts movements and distinct customers apart', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 100 },
      { customerId: 'a', at: from + DAY, mrr: 200 },
      { customerId: 'a', at: from + 2 * DAY, mrr: 300 },
    ];
    expect(mrrMovements(changes, period).expansion).toEqual({ mrr: 200, customers: 1, count: 2 });
  });

  it('takes the MRR in force at `from` as the opening and at `to` as the closing state', () => {
    const changes: MrrChange[] = [
      { customerId: 'at-from', at: from, mrr: 100 },
      { customerId: 'at-to', at: to, mrr: 100 },
    ];
    const m = mrrMovements(changes, period);
    expect(m).toMatchObject({
      startingMrr: 100,
      endingMrr: 200,
      customersAtStart: 1,
      customersAtEnd: 2,
    });
    expect(m.newBusiness.mrr).toBe(100);
  });

  it('treats a change to the same MRR as no movement, and repeated identical changes as one', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 100 },
      { customerId: 'a', at: from + DAY, mrr: 100 },
      { customerId: 'b', at: from + DAY, mrr: 100 },
      { customerId: 'b', at: from + DAY, mrr: 100 },
    ];
    const m = mrrMovements(changes, period);
    expect(m.netNewMrr).toBe(100);
    expect(m.expansion.count).toBe(0);
    expect(m.newBusiness).toEqual({ mrr: 100, customers: 1, count: 1 });
  });

  it('returns zeros and a null currency on empty input', () => {
    const zero = { mrr: 0, customers: 0, count: 0 };
    expect(mrrMovements([], period)).toEqual({
      currency: null,
      startingMrr: 0,
      endingMrr: 0,
      customersAtStart: 0,
      customersAtEnd: 0,
      newBusiness: zero,
      expansion: zero,
      contraction: zero,
      churn: zero,
      reactivation: zero,
      netNewMrr: 0,
    });
  });

  it('refuses mixed currencies without a converter, and converts with one', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from - DAY, mrr: 1000, currency: 'USD' },
      { customerId: 'b', at: from + DAY, mrr: 1000, currency: 'EUR' },
    ];
    expect(() => mrrMovements(changes, period)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].currency has an invalid value: EUR differs from USD; pass options.currency and options.convert to combine currencies]`,
    );
    const convert = (amount: number, source: string, target: string) =>
      source === 'EUR' && target === 'USD' ? Math.round(amount * 1.1) : Number.NaN;
    const m = mrrMovements(changes, { ...period, currency: 'USD', convert });
    expect(m).toMatchObject({ currency: 'USD', startingMrr: 1000, endingMrr: 2100 });
    expect(() =>
      mrrMovements([{ customerId: 'c', at: from, mrr: 5, currency: 'GBP' }], {
        ...period,
        currency: 'USD',
        convert,
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: converted mrrChanges[0].mrr is not a valid amount (expected options.convert to return a non-negative integer; received NaN)]`,
    );
    expect(() => mrrMovements(changes, { ...period, convert })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: options.currency is required: name the currency to convert to]`,
    );
    // Records without a currency take the one of the others.
    expect(
      mrrMovements([{ customerId: 'a', at: from, mrr: 5 }, changes[1]!], period).currency,
    ).toBe('EUR');
  });

  it('reports bad changes with their index and path', () => {
    const run = (c: unknown) =>
      mrrMovements([{ customerId: 'ok', at: from, mrr: 1 }, c as MrrChange], period);
    expect(() =>
      run({ customerId: 'a', at: from, mrr: Number.NaN }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].mrr is not a valid amount (expected a non-negative integer number of minor units (cents); received NaN)]`,
    );
    expect(() => run({ customerId: 'a', at: from, mrr: -5 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].mrr is not a valid amount (expected a non-negative integer number of minor units (cents); received integer)]`,
    );
    expect(() => run({ customerId: 'a', at: from, mrr: 99.5 })).toThrow(/mrrChanges\[1\]\.mrr/);
    expect(() =>
      run({ customerId: 'a', at: 'next week', mrr: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    expect(() =>
      run({ customerId: 'a', at: from, mrr: 1, currency: 'usd' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].currency is not an ISO 4217 currency code (expected three upper-case letters, e.g. 'USD'; received string)]`,
    );
    expect(() =>
      run({ customerId: 'a', at: from, mrr: 1, subscriptionId: '' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges[1].subscriptionId has the wrong type (expected a non-empty string; received empty string)]`,
    );
    expect(() => mrrMovements([], { from: to, to: from })).toThrow(
      /options\.to is not a valid period/,
    );
    expect(() =>
      mrrMovements([], { ...period, currency: 'dollars' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: options.currency is not an ISO 4217 currency code (expected three upper-case letters, e.g. 'USD'; received string)]`,
    );
  });

  it('refuses an ambiguous history: two changes of one subscription at one instant that disagree', () => {
    const changes: MrrChange[] = [
      { customerId: 'a', at: from + DAY, mrr: 100 },
      { customerId: 'a', at: from + DAY, mrr: 200 },
    ];
    expect(() => mrrMovements(changes, period)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovements: mrrChanges is ambiguous: two changes of one subscription at the same instant set different MRR]`,
    );
    expect(() =>
      mrrMovements(
        [
          { customerId: 'a', at: from - DAY, mrr: 1 },
          { customerId: 'a', at: from - DAY, mrr: 2 },
        ],
        period,
      ),
    ).toThrow(/ambiguous/);
    // Superseded before the period: no longer decides anything.
    expect(
      mrrMovements(
        [
          { customerId: 'a', at: from - 2 * DAY, mrr: 1 },
          { customerId: 'a', at: from - 2 * DAY, mrr: 2 },
          { customerId: 'a', at: from - DAY, mrr: 3 },
        ],
        period,
      ).startingMrr,
    ).toBe(3);
  });
});

describe('mrrMovementsAccumulator', () => {
  it('refuses to merge partitions in different currencies, and merges the same currency', () => {
    const usd = mrrMovementsAccumulator(period).add({
      customerId: 'a',
      at: from,
      mrr: 1,
      currency: 'USD',
    });
    const eur = mrrMovementsAccumulator(period).add({
      customerId: 'b',
      at: from,
      mrr: 1,
      currency: 'EUR',
    });
    expect(() => usd.merge(eur)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovementsAccumulator: snapshot.currency has an invalid value: EUR differs from USD; pass options.currency and options.convert to combine currencies]`,
    );
    const more = mrrMovementsAccumulator(period).add({
      customerId: 'b',
      at: from,
      mrr: 1,
      currency: 'USD',
    });
    expect(
      mrrMovementsAccumulator(period).merge(usd).merge(more.snapshot()).result().startingMrr,
    ).toBe(2);
  });

  it('detects a disagreement split across partitions', () => {
    const a = mrrMovementsAccumulator(period).add({ customerId: 'a', at: from - DAY, mrr: 1 });
    const b = mrrMovementsAccumulator(period).add({ customerId: 'a', at: from - DAY, mrr: 2 });
    expect(() => a.merge(b.snapshot()).result()).toThrow(/ambiguous/);
  });

  it('rejects a malformed snapshot with its path', () => {
    const acc = mrrMovementsAccumulator(period);
    const snap = acc.snapshot();
    expect(() =>
      acc.merge({
        ...snap,
        state: { currency: null, customers: [['a', 0, [['', null, 'x', null, 0, 0]], []]] },
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: mrrMovementsAccumulator: snapshot.state.customers[0][2][0][2] has an invalid value (expected a finite number; received string)]`,
    );
    expect(() =>
      acc.merge({ ...snap, state: { currency: null, customers: [['a', 0, [], [[1, 3, 5]]]] } }),
    ).toThrow(/snapshot\.state\.customers\[0\]\[3\]\[0\]\[1\]/);
  });
});
