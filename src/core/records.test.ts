import { describe, expect, it } from 'vitest';
import { RetentionInputError } from './errors';
import {
  activityEventSchema,
  customerSchema,
  lifetimeSchema,
  mrrChangeSchema,
  orderSchema,
  parseRecords,
  paymentAttemptSchema,
  subscriptionSchema,
  surveyResponseSchema,
} from './records';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RetentionInputError);
    return (e as RetentionInputError).issues;
  }
  throw new Error('expected an error');
}

describe('record schemas', () => {
  it('normalize instants and fill defaults', () => {
    expect(customerSchema().parse({ id: 'cus_1', signedUpAt: '2026-01-05T10:00:00Z' })).toEqual({
      id: 'cus_1',
      signedUpAt: Date.UTC(2026, 0, 5, 10),
      timeZone: 'UTC',
      attributes: {},
    });
    expect(
      activityEventSchema().parse({ id: 'e', customerId: 'c', type: 'login', at: new Date(5) }),
    ).toEqual({ id: 'e', customerId: 'c', type: 'login', at: 5, properties: {} });
    expect(
      mrrChangeSchema().parse({ customerId: 'c', at: '2026-02-01', mrr: 9900, currency: 'USD' }).at,
    ).toBe(Date.UTC(2026, 1, 1));
    expect(
      orderSchema().parse({ id: 'o', customerId: 'c', at: 0, total: 4500, currency: 'EUR' }).total,
    ).toBe(4500);
    expect(lifetimeSchema().parse({ customerId: 'c', start: 0 })).toEqual({
      customerId: 'c',
      start: 0,
    });
  });

  it('keeps fields it does not know (records are the caller’s data)', () => {
    expect(
      activityEventSchema().parse({
        id: 'e',
        customerId: 'c',
        type: 'login',
        at: 0,
        source: 'web',
      }),
    ).toMatchObject({ source: 'web' });
  });

  it('reports every issue of a record, with its index and path, in our own words', () => {
    const issues = issuesOf(() =>
      parseRecords(
        subscriptionSchema(),
        [
          {
            id: 's0',
            customerId: 'c',
            plan: 'p',
            status: 'active',
            billingInterval: 'month',
            amount: 100,
            currency: 'USD',
            startedAt: 0,
            currentPeriodEnd: 1,
          },
          {
            id: 's1',
            customerId: 'c',
            plan: 'p',
            status: 'weird',
            billingInterval: 'month',
            amount: 1.5,
            currency: 'usd',
            startedAt: 'x',
            currentPeriodEnd: 0,
            card: { expMonth: 13, expYear: 2026 },
          } as never,
        ],
        'subscriptions',
      ),
    );
    expect(issues).toMatchInlineSnapshot(`
      [
        {
          "code": "invalid_enum",
          "expected": "one of "trialing", "active", "past_due", "unpaid", "paused", "canceled"",
          "path": [
            1,
            "status",
          ],
        },
        {
          "code": "invalid_amount",
          "expected": "an integer number of minor units (cents)",
          "path": [
            1,
            "amount",
          ],
          "received": "number",
        },
        {
          "code": "invalid_currency",
          "expected": "three upper-case letters, e.g. 'USD'",
          "path": [
            1,
            "currency",
          ],
          "received": "string",
        },
        {
          "code": "invalid_instant",
          "expected": "Date, integer epoch milliseconds or ISO-8601 string with a UTC offset",
          "path": [
            1,
            "startedAt",
          ],
          "received": "string",
        },
        {
          "code": "out_of_range",
          "expected": "<= 12",
          "path": [
            1,
            "card",
            "expMonth",
          ],
        },
      ]
    `);
  });

  it('words errors without leaking values', () => {
    const run = () =>
      parseRecords(
        activityEventSchema(),
        [{ id: 'e1', customerId: 'alice@example.com', type: 'login', at: 'yesterday' }],
        'events',
      );
    expect(run).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: parseRecords: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)]`,
    );
    try {
      run();
    } catch (e) {
      expect(JSON.stringify(e)).not.toContain('alice');
      expect((e as Error).message).not.toContain('yesterday');
    }
  });

  it('checks missing fields, survey scores, payment outcomes and lifetime order', () => {
    expect(issuesOf(() => parseRecords(customerSchema(), [{ signedUpAt: 0 } as never]))).toEqual([
      { code: 'required', path: [0, 'id'] },
    ]);
    expect(
      issuesOf(() =>
        parseRecords(surveyResponseSchema(), [
          { id: 's', customerId: 'c', at: 0, kind: 'nps', score: 11 },
        ]),
      )[0],
    ).toMatchObject({
      code: 'out_of_range',
      path: [0, 'score'],
      expected: 'an integer 0-10 for nps',
    });
    expect(
      issuesOf(() =>
        parseRecords(surveyResponseSchema(), [{ id: 's', customerId: 'c', at: 0, kind: 'csat' }]),
      )[0],
    ).toMatchObject({ code: 'required', path: [0, 'score'] });
    expect(
      issuesOf(() =>
        parseRecords(surveyResponseSchema(), [
          { id: 's', customerId: 'c', at: 0, kind: 'exit', score: 3 },
        ]),
      )[0],
    ).toMatchObject({ code: 'invalid_value', path: [0, 'score'] });
    expect(
      surveyResponseSchema().parse({
        id: 's',
        customerId: 'c',
        at: 0,
        kind: 'exit',
        text: 'Слишком дорого',
      }).text,
    ).toBe('Слишком дорого');
    expect(
      issuesOf(() =>
        parseRecords(paymentAttemptSchema(), [
          {
            id: 'p',
            customerId: 'c',
            at: 0,
            amount: 100,
            currency: 'USD',
            outcome: 'succeeded',
            declineCode: 'x',
          },
        ]),
      )[0],
    ).toMatchObject({ code: 'invalid_value', path: [0, 'declineCode'] });
    expect(
      issuesOf(() => parseRecords(lifetimeSchema(), [{ customerId: 'c', start: 10, end: 5 }]))[0],
    ).toMatchObject({ code: 'order', path: [0, 'end'] });
    expect(
      issuesOf(() =>
        parseRecords(customerSchema(), [{ id: 'c', signedUpAt: 0, timeZone: 'Nowhere/City' }]),
      )[0],
    ).toMatchObject({ code: 'invalid_time_zone', path: [0, 'timeZone'] });
  });

  it('rejects attributes that are not JSON or that reach the prototype', () => {
    const polluted = JSON.parse(
      '{"id":"c","signedUpAt":0,"attributes":{"__proto__":{"isAdmin":true}}}',
    );
    expect(issuesOf(() => parseRecords(customerSchema(), [polluted]))[0]).toMatchObject({
      code: 'invalid_value',
      path: [0, 'attributes'],
    });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(
      issuesOf(() =>
        parseRecords(customerSchema(), [
          { id: 'c', signedUpAt: 0, attributes: { f: () => 1 } as never },
        ]),
      )[0],
    ).toMatchObject({ path: [0, 'attributes'] });
    expect(
      issuesOf(() =>
        parseRecords(customerSchema(), [{ id: 'c', signedUpAt: 0, attributes: { n: Number.NaN } }]),
      )[0],
    ).toMatchObject({ path: [0, 'attributes'] });
  });
});
