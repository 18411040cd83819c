import * as z from 'zod';
import type { Instant, InstantInput } from './instant';
import { lazy } from './lazy';
import {
  issueParams,
  type JsonValue,
  parseInput,
  zCurrency,
  zId,
  zInstant,
  zJsonRecord,
  zMinorUnits,
  zTimeZone,
} from './validate';

export type { JsonValue } from './validate';

/**
 * Free-form attributes of a customer or properties of an event: JSON values under string keys.
 *
 * @category core
 */
export type Attributes = Readonly<Record<string, JsonValue>>;

/**
 * A customer, as users hand it to the library.
 *
 * @category core
 */
export interface Customer {
  /** Your id for the customer. Ids are opaque: they never appear in error messages. */
  readonly id: string;
  /** When the customer signed up (or made a first purchase). */
  readonly signedUpAt: InstantInput;
  /** The customer's IANA time zone, for send windows and local times. @defaultValue `'UTC'` */
  readonly timeZone?: string;
  /** Anything else: plan, country, LTV, role... @defaultValue `{}` */
  readonly attributes?: Attributes;
}

/**
 * A {@link Customer} after validation: instants in epoch milliseconds, defaults filled in.
 *
 * @category core
 */
export interface NormalizedCustomer {
  readonly id: string;
  readonly signedUpAt: Instant;
  readonly timeZone: string;
  readonly attributes: Attributes;
}

/**
 * Something a customer did (or that happened to them): `login`, `cart_added`, `order_placed`,
 * `project_created`...
 *
 * @category core
 */
export interface ActivityEvent {
  /** Unique id of the event; re-ingesting an id is a no-op. */
  readonly id: string;
  /** The customer it belongs to. */
  readonly customerId: string;
  /** The event type, e.g. `'login'`. */
  readonly type: string;
  /** When it happened. */
  readonly at: InstantInput;
  /** Details, e.g. `{ feature: 'reports' }`. @defaultValue `{}` */
  readonly properties?: Attributes;
}

/**
 * An {@link ActivityEvent} after validation.
 *
 * @category core
 */
export interface NormalizedActivityEvent {
  readonly id: string;
  readonly customerId: string;
  readonly type: string;
  readonly at: Instant;
  readonly properties: Attributes;
}

/**
 * How often a subscription bills.
 *
 * @category core
 */
export type BillingInterval = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * A change of a customer's monthly recurring revenue: from `at` on, the customer's MRR is `mrr`
 * (0 when they cancel or pause). MRR movements, NRR and GRR are computed from these.
 *
 * @category core
 */
export interface MrrChange {
  /** The customer. */
  readonly customerId: string;
  /** When the new MRR takes effect. */
  readonly at: InstantInput;
  /** The MRR from `at` on, in integer minor units (cents); 0 means no revenue. */
  readonly mrr: number;
  /** ISO 4217 currency; leave it out when everything is in one currency. */
  readonly currency?: string;
  /** The subscription it belongs to, if a customer has several. */
  readonly subscriptionId?: string;
  /** The plan from `at` on. */
  readonly plan?: string;
  /** The billing interval from `at` on. */
  readonly billingInterval?: BillingInterval;
}

/**
 * An {@link MrrChange} after validation.
 *
 * @category core
 */
export interface NormalizedMrrChange {
  readonly customerId: string;
  readonly at: Instant;
  readonly mrr: number;
  readonly currency?: string;
  readonly subscriptionId?: string;
  readonly plan?: string;
  readonly billingInterval?: BillingInterval;
}

/**
 * The state of a subscription.
 *
 * @category core
 */
export type SubscriptionStatus =
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'paused'
  | 'canceled';

/**
 * The expiry of the card on file.
 *
 * @category core
 */
export interface CardExpiry {
  /** Month, 1-12. */
  readonly expMonth: number;
  /** Four-digit year. */
  readonly expYear: number;
}

/**
 * A subscription: what a customer pays, how often, and when it renews.
 *
 * @category core
 */
export interface Subscription {
  readonly id: string;
  readonly customerId: string;
  readonly plan: string;
  readonly status: SubscriptionStatus;
  readonly billingInterval: BillingInterval;
  /** Number of intervals per billing period (2 with `month` bills every two months). @defaultValue `1` */
  readonly intervalCount?: number;
  /** The amount billed per period, in integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly startedAt: InstantInput;
  /** End of the current period: the next renewal charge. */
  readonly currentPeriodEnd: InstantInput;
  readonly canceledAt?: InstantInput;
  /** When a pause ends, for a paused subscription. */
  readonly pausedUntil?: InstantInput;
  /** The card on file, for card-expiry reminders. */
  readonly card?: CardExpiry;
}

/**
 * A {@link Subscription} after validation.
 *
 * @category core
 */
export interface NormalizedSubscription {
  readonly id: string;
  readonly customerId: string;
  readonly plan: string;
  readonly status: SubscriptionStatus;
  readonly billingInterval: BillingInterval;
  readonly intervalCount: number;
  readonly amount: number;
  readonly currency: string;
  readonly startedAt: Instant;
  readonly currentPeriodEnd: Instant;
  readonly canceledAt?: Instant;
  readonly pausedUntil?: Instant;
  readonly card?: CardExpiry;
}

/**
 * A purchase, for e-commerce metrics (repeat purchase, time to second purchase, BG/NBD).
 *
 * @category core
 */
export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly at: InstantInput;
  /** Order total in integer minor units. */
  readonly total: number;
  readonly currency: string;
  /** Number of items. */
  readonly items?: number;
}

/**
 * An {@link Order} after validation.
 *
 * @category core
 */
export interface NormalizedOrder {
  readonly id: string;
  readonly customerId: string;
  readonly at: Instant;
  readonly total: number;
  readonly currency: string;
  readonly items?: number;
}

/**
 * One attempt to charge a customer.
 *
 * @category core
 */
export interface PaymentAttempt {
  readonly id: string;
  readonly customerId: string;
  readonly subscriptionId?: string;
  readonly at: InstantInput;
  /** Amount charged, in integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly outcome: 'succeeded' | 'failed';
  /** The processor's decline code for a failed attempt, e.g. `'insufficient_funds'`. */
  readonly declineCode?: string;
  /** 1 for the first attempt on an invoice, 2 for the first retry... */
  readonly attempt?: number;
}

/**
 * A {@link PaymentAttempt} after validation.
 *
 * @category core
 */
export interface NormalizedPaymentAttempt {
  readonly id: string;
  readonly customerId: string;
  readonly subscriptionId?: string;
  readonly at: Instant;
  readonly amount: number;
  readonly currency: string;
  readonly outcome: 'succeeded' | 'failed';
  readonly declineCode?: string;
  readonly attempt?: number;
}

/**
 * The kind of a survey: Net Promoter Score (0-10), customer satisfaction (1-5), customer effort
 * (1-7), or an exit survey at cancellation (free text).
 *
 * @category core
 */
export type SurveyKind = 'nps' | 'csat' | 'ces' | 'exit';

/**
 * An answer to a survey. `score` is required for `nps` (integer 0-10), `csat` (1-5) and `ces`
 * (1-7); `text` carries open answers (an exit survey's "what was the main reason you cancelled?").
 *
 * @category core
 */
export interface SurveyResponse {
  readonly id: string;
  readonly customerId: string;
  readonly at: InstantInput;
  readonly kind: SurveyKind;
  readonly score?: number;
  readonly text?: string;
  /** Which question or touchpoint it answers, e.g. `'day-14'`. */
  readonly question?: string;
}

/**
 * A {@link SurveyResponse} after validation.
 *
 * @category core
 */
export interface NormalizedSurveyResponse {
  readonly id: string;
  readonly customerId: string;
  readonly at: Instant;
  readonly kind: SurveyKind;
  readonly score?: number;
  readonly text?: string;
  readonly question?: string;
}

/**
 * One span during which a customer was a paying (active) customer: `[start, end)`, with `end`
 * absent while still active. A customer who left and came back has several.
 *
 * @category core
 */
export interface Lifetime {
  readonly customerId: string;
  readonly start: InstantInput;
  readonly end?: InstantInput;
}

/**
 * A {@link Lifetime} after validation.
 *
 * @category core
 */
export interface NormalizedLifetime {
  readonly customerId: string;
  readonly start: Instant;
  readonly end?: Instant;
}

const BILLING_INTERVALS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
] as const;
const SCORE_RANGES: Record<Exclude<SurveyKind, 'exit'>, readonly [number, number]> = {
  nps: [0, 10],
  csat: [1, 5],
  ces: [1, 7],
};

/**
 * The zod schema of a {@link Customer}; parses to a {@link NormalizedCustomer}. Built on first call.
 *
 * @returns The schema.
 *
 * @example
 * customerSchema().parse({ id: 'cus_1', signedUpAt: '2026-01-05T10:00:00Z' })
 * //=> { id: 'cus_1', signedUpAt: 1767607200000, timeZone: 'UTC', attributes: {} }
 *
 * @category core
 */
export const customerSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedCustomer, Customer> =>
    z.looseObject({
      id: zId(),
      signedUpAt: zInstant(),
      timeZone: zTimeZone().default('UTC'),
      attributes: zJsonRecord().default({}),
    }) as unknown as z.ZodType<NormalizedCustomer, Customer>,
);

/**
 * The zod schema of an {@link ActivityEvent}; parses to a {@link NormalizedActivityEvent}.
 *
 * @returns The schema.
 *
 * @example
 * activityEventSchema().parse({ id: 'e1', customerId: 'cus_1', type: 'login', at: 0 }).properties
 * //=> {}
 *
 * @category core
 */
export const activityEventSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedActivityEvent, ActivityEvent> =>
    z.looseObject({
      id: zId(),
      customerId: zId(),
      type: z.string().min(1).max(128),
      at: zInstant(),
      properties: zJsonRecord().default({}),
    }) as unknown as z.ZodType<NormalizedActivityEvent, ActivityEvent>,
);

/**
 * The zod schema of an {@link MrrChange}; parses to a {@link NormalizedMrrChange}.
 *
 * @returns The schema.
 *
 * @example
 * mrrChangeSchema().parse({ customerId: 'cus_1', at: '2026-02-01', mrr: 9900, currency: 'USD' }).at
 * //=> 1769904000000
 *
 * @category core
 */
export const mrrChangeSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedMrrChange, MrrChange> =>
    z.looseObject({
      customerId: zId(),
      at: zInstant(),
      mrr: zMinorUnits().refine((v) => v >= 0, issueParams('out_of_range', { expected: '>= 0' })),
      currency: zCurrency().optional(),
      subscriptionId: zId().optional(),
      plan: z.string().optional(),
      billingInterval: z.enum(BILLING_INTERVALS).optional(),
    }) as unknown as z.ZodType<NormalizedMrrChange, MrrChange>,
);

/**
 * The zod schema of a {@link Subscription}; parses to a {@link NormalizedSubscription}.
 *
 * @returns The schema.
 *
 * @example
 * subscriptionSchema().parse({
 *   id: 'sub_1', customerId: 'cus_1', plan: 'team', status: 'active', billingInterval: 'month',
 *   amount: 9900, currency: 'USD', startedAt: '2026-01-05', currentPeriodEnd: '2026-02-05',
 * }).intervalCount
 * //=> 1
 *
 * @category core
 */
export const subscriptionSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedSubscription, Subscription> =>
    z.looseObject({
      id: zId(),
      customerId: zId(),
      plan: z.string().min(1),
      status: z.enum(SUBSCRIPTION_STATUSES),
      billingInterval: z.enum(BILLING_INTERVALS),
      intervalCount: z.number().int().min(1).max(1000).default(1),
      amount: zMinorUnits().refine(
        (v) => v >= 0,
        issueParams('out_of_range', { expected: '>= 0' }),
      ),
      currency: zCurrency(),
      startedAt: zInstant(),
      currentPeriodEnd: zInstant(),
      canceledAt: zInstant().optional(),
      pausedUntil: zInstant().optional(),
      card: z
        .strictObject({
          expMonth: z.number().int().min(1).max(12),
          expYear: z.number().int().min(2000).max(2200),
        })
        .optional(),
    }) as unknown as z.ZodType<NormalizedSubscription, Subscription>,
);

/**
 * The zod schema of an {@link Order}; parses to a {@link NormalizedOrder}.
 *
 * @returns The schema.
 *
 * @example
 * orderSchema().parse({ id: 'o1', customerId: 'cus_1', at: 0, total: 4500, currency: 'EUR' }).total
 * //=> 4500
 *
 * @category core
 */
export const orderSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedOrder, Order> =>
    z.looseObject({
      id: zId(),
      customerId: zId(),
      at: zInstant(),
      total: zMinorUnits().refine((v) => v >= 0, issueParams('out_of_range', { expected: '>= 0' })),
      currency: zCurrency(),
      items: z.number().int().min(0).optional(),
    }) as unknown as z.ZodType<NormalizedOrder, Order>,
);

/**
 * The zod schema of a {@link PaymentAttempt}; parses to a {@link NormalizedPaymentAttempt}.
 * A failed attempt needs no decline code (some processors send none); a succeeded one must not
 * have one.
 *
 * @returns The schema.
 *
 * @example
 * paymentAttemptSchema().parse({
 *   id: 'pa_1', customerId: 'cus_1', at: 0, amount: 9900, currency: 'USD',
 *   outcome: 'failed', declineCode: 'insufficient_funds',
 * }).outcome
 * //=> 'failed'
 *
 * @category core
 */
export const paymentAttemptSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedPaymentAttempt, PaymentAttempt> =>
    z
      .looseObject({
        id: zId(),
        customerId: zId(),
        subscriptionId: zId().optional(),
        at: zInstant(),
        amount: zMinorUnits().refine(
          (v) => v > 0,
          issueParams('out_of_range', { expected: '> 0' }),
        ),
        currency: zCurrency(),
        outcome: z.enum(['succeeded', 'failed']),
        declineCode: z.string().min(1).max(128).optional(),
        attempt: z.number().int().min(1).optional(),
      })
      .superRefine((p, ctx) => {
        if (p.outcome === 'succeeded' && p.declineCode !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['declineCode'],
            ...issueParams('invalid_value', { detail: 'a succeeded payment has no decline code' }),
          });
        }
      }) as unknown as z.ZodType<NormalizedPaymentAttempt, PaymentAttempt>,
);

/**
 * The zod schema of a {@link SurveyResponse}; parses to a {@link NormalizedSurveyResponse}.
 *
 * @returns The schema.
 *
 * @example
 * surveyResponseSchema().safeParse({ id: 's1', customerId: 'cus_1', at: 0, kind: 'nps', score: 11 }).success
 * //=> false
 *
 * @category core
 */
export const surveyResponseSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedSurveyResponse, SurveyResponse> =>
    z
      .looseObject({
        id: zId(),
        customerId: zId(),
        at: zInstant(),
        kind: z.enum(['nps', 'csat', 'ces', 'exit']),
        score: z.number().optional(),
        text: z.string().max(10_000).optional(),
        question: z.string().max(256).optional(),
      })
      .superRefine((r, ctx) => {
        if (r.kind === 'exit') {
          if (r.score !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['score'],
              ...issueParams('invalid_value', { detail: 'an exit survey has no score' }),
            });
          }
          return;
        }
        const [min, max] = SCORE_RANGES[r.kind];
        if (r.score === undefined) {
          ctx.addIssue({ code: 'custom', path: ['score'], ...issueParams('required') });
        } else if (!(Number.isInteger(r.score) && r.score >= min && r.score <= max)) {
          ctx.addIssue({
            code: 'custom',
            path: ['score'],
            ...issueParams('out_of_range', { expected: `an integer ${min}-${max} for ${r.kind}` }),
          });
        }
      }) as unknown as z.ZodType<NormalizedSurveyResponse, SurveyResponse>,
);

/**
 * The zod schema of a {@link Lifetime}; parses to a {@link NormalizedLifetime}. The end may not
 * be before the start.
 *
 * @returns The schema.
 *
 * @example
 * lifetimeSchema().safeParse({ customerId: 'c', start: '2026-02-01', end: '2026-01-01' }).success
 * //=> false
 *
 * @category core
 */
export const lifetimeSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<NormalizedLifetime, Lifetime> =>
    z
      .looseObject({ customerId: zId(), start: zInstant(), end: zInstant().optional() })
      .superRefine((l, ctx) => {
        if (l.end !== undefined && l.end < l.start) {
          ctx.addIssue({
            code: 'custom',
            path: ['end'],
            ...issueParams('order', { detail: 'the end is before the start' }),
          });
        }
      }) as unknown as z.ZodType<NormalizedLifetime, Lifetime>,
);

/**
 * Validates a list of records with one of the record schemas, in one pass. The first invalid
 * record stops the parse with an error naming its index and the path inside it.
 *
 * @param schema - A record schema, e.g. `activityEventSchema()`.
 * @param records - The records.
 * @param root - A name for the list in error messages. @defaultValue `'records'`
 * @returns The normalized records, in input order.
 * @throws {RetentionInputError} For the first invalid record.
 *
 * @example
 * parseRecords(activityEventSchema(), [{ id: 'e1', customerId: 'c1', type: 'login', at: 'yesterday' }], 'events')
 * //=> throws 'parseRecords: events[0].at is not a valid instant (...)'
 *
 * @category core
 */
export function parseRecords<TOutput, TInput>(
  schema: z.ZodType<TOutput, TInput>,
  records: Iterable<TInput>,
  root = 'records',
): TOutput[] {
  const out: TOutput[] = [];
  let index = 0;
  for (const record of records) {
    out.push(parseInput(schema, record, { fn: 'parseRecords', path: [index], root }));
    index++;
  }
  return out;
}
