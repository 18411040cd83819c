import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { InstantInput } from './instant';
import {
  type ActivityEvent,
  activityEventSchema,
  type Customer,
  customerSchema,
  type Lifetime,
  lifetimeSchema,
  type MrrChange,
  mrrChangeSchema,
  type NormalizedActivityEvent,
  type NormalizedCustomer,
  type NormalizedLifetime,
  type NormalizedMrrChange,
  type NormalizedOrder,
  type NormalizedPaymentAttempt,
  type NormalizedSubscription,
  type NormalizedSurveyResponse,
  type Order,
  orderSchema,
  type PaymentAttempt,
  parseRecords,
  paymentAttemptSchema,
  type Subscription,
  type SurveyResponse,
  subscriptionSchema,
  surveyResponseSchema,
} from './records';

describe('record types', () => {
  it('schemas take the input types and produce the normalized ones', () => {
    expectTypeOf(customerSchema()).toEqualTypeOf<z.ZodType<NormalizedCustomer, Customer>>();
    expectTypeOf(activityEventSchema()).toEqualTypeOf<
      z.ZodType<NormalizedActivityEvent, ActivityEvent>
    >();
    expectTypeOf(mrrChangeSchema()).toEqualTypeOf<z.ZodType<NormalizedMrrChange, MrrChange>>();
    expectTypeOf(subscriptionSchema()).toEqualTypeOf<
      z.ZodType<NormalizedSubscription, Subscription>
    >();
    expectTypeOf(orderSchema()).toEqualTypeOf<z.ZodType<NormalizedOrder, Order>>();
    expectTypeOf(paymentAttemptSchema()).toEqualTypeOf<
      z.ZodType<NormalizedPaymentAttempt, PaymentAttempt>
    >();
    expectTypeOf(surveyResponseSchema()).toEqualTypeOf<
      z.ZodType<NormalizedSurveyResponse, SurveyResponse>
    >();
    expectTypeOf(lifetimeSchema()).toEqualTypeOf<z.ZodType<NormalizedLifetime, Lifetime>>();
  });

  it('normalized records are valid inputs (instants are numbers)', () => {
    expectTypeOf<NormalizedCustomer>().toExtend<Customer>();
    expectTypeOf<NormalizedActivityEvent>().toExtend<ActivityEvent>();
    expectTypeOf<NormalizedLifetime>().toExtend<Lifetime>();
    expectTypeOf<NormalizedCustomer['signedUpAt']>().toEqualTypeOf<number>();
    expectTypeOf<Customer['signedUpAt']>().toEqualTypeOf<InstantInput>();
  });

  it('parseRecords infers the output type from the schema', () => {
    expectTypeOf(parseRecords(orderSchema(), [])).toEqualTypeOf<NormalizedOrder[]>();
    // @ts-expect-error an order list is not an event list
    parseRecords(activityEventSchema(), [
      { id: 'o', customerId: 'c', at: 0, total: 1, currency: 'USD' },
    ] as Order[]);
  });
});
