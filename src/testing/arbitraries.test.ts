import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationToMs, parseDuration } from '../core/duration';
import { isInstantInput } from '../core/instant';
import {
  activityEventSchema,
  customerSchema,
  lifetimeSchema,
  mrrChangeSchema,
  orderSchema,
  parseRecords,
  paymentAttemptSchema,
  surveyResponseSchema,
} from '../core/records';
import { isValidTimeZone } from '../core/timeZone';
import * as arb from './arbitraries';

describe('arbitraries', () => {
  it('generate valid domain values', () => {
    fc.assert(fc.property(arb.arbInstantInput(), (v) => isInstantInput(v)));
    fc.assert(fc.property(arb.arbTimeZone(), (z) => isValidTimeZone(z)));
    fc.assert(fc.property(arb.arbFixedDuration(), (d) => durationToMs(d) >= 0));
    fc.assert(fc.property(arb.arbCalendarDuration(), (d) => parseDuration(d).kind === 'calendar'));
  });

  it('generate schema-valid records', () => {
    fc.assert(
      fc.property(
        arb.arbLifetimes(),
        arb.arbMrrChanges({ currencies: ['USD', 'EUR'] }),
        arb.arbActivityEvents(),
        arb.arbOrders(),
        arb.arbSurveyResponses(),
        arb.arbPaymentAttempts(),
        arb.arbCustomers(),
        (lifetimes, mrr, events, orders, surveys, payments, customers) => {
          parseRecords(lifetimeSchema(), lifetimes);
          parseRecords(mrrChangeSchema(), mrr);
          parseRecords(activityEventSchema(), events);
          parseRecords(orderSchema(), orders);
          parseRecords(surveyResponseSchema(), surveys);
          parseRecords(paymentAttemptSchema(), payments);
          parseRecords(customerSchema(), customers);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generate non-overlapping lifetimes per customer, some reactivating and some still open', () => {
    let reactivations = 0;
    let open = 0;
    fc.assert(
      fc.property(arb.arbLifetimes(), (lifetimes) => {
        const byCustomer = new Map<string, typeof lifetimes>();
        for (const l of lifetimes)
          byCustomer.set(l.customerId, [...(byCustomer.get(l.customerId) ?? []), l]);
        for (const list of byCustomer.values()) {
          if (list.length > 1) reactivations++;
          for (let i = 1; i < list.length; i++)
            expect(list[i]!.start as number).toBeGreaterThanOrEqual(list[i - 1]!.end as number);
          for (const l of list.slice(0, -1)) expect(l.end).toBeDefined();
          if (list.at(-1)!.end === undefined) open++;
        }
      }),
      { numRuns: 300 },
    );
    expect(reactivations).toBeGreaterThan(0);
    expect(open).toBeGreaterThan(0);
  });

  it('generate MRR histories without two changes of one subscription at the same instant', () => {
    let multi = 0;
    fc.assert(
      fc.property(
        arb.arbMrrChanges({ subscriptions: 3, customers: 2, min: 0, max: 5 }),
        (changes) => {
          const keys = changes.map((c) => `${c.customerId} ${c.subscriptionId} ${c.at}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const c of changes) expect(c.subscriptionId).toMatch(/^sub_[123]$/);
          if (new Set(changes.map((c) => c.subscriptionId)).size > 1) multi++;
        },
      ),
      { numRuns: 200 },
    );
    expect(multi).toBeGreaterThan(0);
    fc.assert(
      fc.property(arb.arbMrrChanges(), (changes) => {
        for (const c of changes) expect(c.subscriptionId).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });
});
