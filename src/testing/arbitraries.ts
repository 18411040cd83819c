import * as fc from 'fast-check';
import type { CalendarDuration } from '../core/duration';
import type {
  ActivityEvent,
  Customer,
  Lifetime,
  MrrChange,
  Order,
  PaymentAttempt,
  SurveyResponse,
} from '../core/records';

const DAY = 86_400_000;
/** 2020-01-01T00:00:00Z */
const DEFAULT_MIN = Date.UTC(2020, 0, 1);
/** 2030-01-01T00:00:00Z */
const DEFAULT_MAX = Date.UTC(2030, 0, 1);

/**
 * Bounds for generated instants.
 *
 * @category testing
 */
export interface InstantRange {
  /** Earliest instant (epoch ms). @defaultValue `Date.UTC(2020, 0, 1)` */
  readonly min?: number;
  /** Latest instant (epoch ms). @defaultValue `Date.UTC(2030, 0, 1)` */
  readonly max?: number;
}

/**
 * Instants as integer epoch milliseconds.
 *
 * @param range - See {@link InstantRange}.
 * @returns An arbitrary of instants.
 *
 * @example
 * fc.assert(fc.property(arbInstant(), (t) => Number.isInteger(t)));
 * //=> passes
 *
 * @category testing
 */
export function arbInstant(range: InstantRange = {}): fc.Arbitrary<number> {
  return fc.integer({ min: range.min ?? DEFAULT_MIN, max: range.max ?? DEFAULT_MAX });
}

/**
 * ISO-8601 strings with a UTC offset (`Z` or `±hh:mm`), with or without milliseconds, for
 * instants in the range.
 *
 * @param range - See {@link InstantRange}.
 * @returns An arbitrary of ISO-8601 strings.
 *
 * @example
 * fc.sample(arbIsoString(), 1)[0]
 * //=> e.g. '2024-03-05T17:21:09.123+05:30'
 *
 * @category testing
 */
export function arbIsoString(range: InstantRange = {}): fc.Arbitrary<string> {
  return fc
    .record({
      instant: arbInstant(range),
      offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => m - (m % 15)),
      millis: fc.boolean(),
      zulu: fc.boolean(),
    })
    .map(({ instant, offsetMinutes, millis, zulu }) => {
      const offset = zulu ? 0 : offsetMinutes;
      const local = new Date(instant + offset * 60_000).toISOString();
      const body = millis ? local.slice(0, 23) : local.slice(0, 19);
      if (zulu) return `${body}Z`;
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    });
}

/**
 * Every accepted instant form: `Date`, epoch milliseconds and ISO-8601 strings.
 *
 * @param range - See {@link InstantRange}.
 * @returns An arbitrary of instant inputs.
 *
 * @example
 * fc.assert(fc.property(arbInstantInput(), (v) => isInstantInput(v)));
 * //=> passes
 *
 * @category testing
 */
export function arbInstantInput(range: InstantRange = {}): fc.Arbitrary<Date | number | string> {
  return fc.oneof(
    arbInstant(range),
    arbInstant(range).map((t) => new Date(t)),
    arbIsoString(range),
  );
}

/**
 * IANA time zones, weighted towards zones with daylight-saving time and unusual offsets
 * (half-hour and 45-minute offsets, southern-hemisphere DST, a DST change at midnight).
 *
 * @returns An arbitrary of time-zone names.
 *
 * @example
 * fc.sample(arbTimeZone(), 1)[0]
 * //=> e.g. 'Australia/Lord_Howe'
 *
 * @category testing
 */
export function arbTimeZone(): fc.Arbitrary<string> {
  return fc.constantFrom(
    'UTC',
    'Europe/Berlin',
    'Europe/London',
    'Europe/Moscow',
    'America/New_York',
    'America/Los_Angeles',
    'America/Sao_Paulo',
    'America/Santiago',
    'America/St_Johns',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Australia/Adelaide',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Auckland',
    'Africa/Casablanca',
  );
}

/**
 * Fixed durations as strings (`'90m'`, `'3h'`, `'7d'`, `'2w'`, compound `'1h30m'`) or numbers.
 *
 * @returns An arbitrary of fixed durations.
 *
 * @example
 * fc.assert(fc.property(arbFixedDuration(), (d) => durationToMs(d) >= 0));
 * //=> passes
 *
 * @category testing
 */
export function arbFixedDuration(): fc.Arbitrary<string | number> {
  return fc.oneof(
    fc.integer({ min: 0, max: 400 * DAY }),
    fc
      .tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w'))
      .map(([n, u]) => `${n}${u}`),
    fc
      .tuple(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${h}h${m}m`),
  );
}

/**
 * Calendar durations (`{ months: 1 }`, `{ days: 3, hours: 2 }`...).
 *
 * @returns An arbitrary of calendar durations.
 *
 * @example
 * fc.sample(arbCalendarDuration(), 1)[0]
 * //=> e.g. { months: 2, days: 5 }
 *
 * @category testing
 */
export function arbCalendarDuration(): fc.Arbitrary<CalendarDuration> {
  return fc.record(
    {
      years: fc.integer({ min: 0, max: 3 }),
      months: fc.integer({ min: 0, max: 24 }),
      weeks: fc.integer({ min: 0, max: 10 }),
      days: fc.integer({ min: 0, max: 60 }),
      hours: fc.integer({ min: 0, max: 48 }),
      minutes: fc.integer({ min: 0, max: 120 }),
      seconds: fc.integer({ min: 0, max: 120 }),
    },
    { requiredKeys: [] },
  );
}

/**
 * Options shared by the record-list arbitraries.
 *
 * @category testing
 */
export interface RecordListOptions extends InstantRange {
  /** Number of distinct customers the records are spread over. @defaultValue `8` */
  readonly customers?: number;
  /** Most records generated. @defaultValue `40` */
  readonly maxLength?: number;
}

function customerId(count: number): fc.Arbitrary<string> {
  return fc.integer({ min: 1, max: Math.max(1, count) }).map((n) => `cus_${n}`);
}

/**
 * Lists of lifetimes (`{ customerId, start, end? }`), with some customers reactivating (several
 * non-overlapping lifetimes) and some still active (no `end`).
 *
 * @param options - See {@link RecordListOptions}.
 * @returns An arbitrary of lifetime lists.
 *
 * @example
 * fc.assert(fc.property(arbLifetimes(), (ls) => ls.every((l) => l.end === undefined || l.end >= l.start)));
 * //=> passes
 *
 * @category testing
 */
export function arbLifetimes(options: RecordListOptions = {}): fc.Arbitrary<Lifetime[]> {
  const min = options.min ?? DEFAULT_MIN;
  const max = options.max ?? DEFAULT_MAX;
  const perCustomer = fc.array(
    fc.tuple(
      fc.integer({ min, max }),
      fc.integer({ min: 0, max: Math.max(1, Math.floor((max - min) / 4)) }),
      fc.boolean(),
    ),
    { minLength: 1, maxLength: 3 },
  );
  return fc
    .array(fc.tuple(customerId(options.customers ?? 8), perCustomer), {
      maxLength: Math.ceil((options.maxLength ?? 40) / 2),
    })
    .map((entries) => {
      const seen = new Set<string>();
      const out: Lifetime[] = [];
      for (const [id, spans] of entries) {
        if (seen.has(id)) continue;
        seen.add(id);
        // Non-overlapping spans: sort starts, clip each end before the next start.
        const sorted = [...spans].sort((a, b) => a[0] - b[0]);
        for (let i = 0; i < sorted.length; i++) {
          const [start, length, open] = sorted[i]!;
          const nextStart = sorted[i + 1]?.[0];
          const last = i === sorted.length - 1;
          if (last && open) out.push({ customerId: id, start });
          else {
            const end = Math.min(start + length, nextStart ?? Number.POSITIVE_INFINITY, max);
            if (nextStart !== undefined && nextStart === start) continue;
            out.push({ customerId: id, start, end: Math.max(start, end) });
          }
        }
      }
      return out;
    });
}

/**
 * Options of {@link arbMrrChanges}.
 *
 * @category testing
 */
export interface MrrChangeListOptions extends RecordListOptions {
  /** Currency codes to draw from; more than one gives mixed-currency lists. @defaultValue `['USD']` */
  readonly currencies?: readonly string[];
  /**
   * Subscriptions per customer: with more than one, changes carry a `subscriptionId`
   * (`sub_1`, `sub_2`, ...). @defaultValue `1` (no `subscriptionId`)
   */
  readonly subscriptions?: number;
}

/**
 * Lists of MRR changes, in no particular order, in one currency (or several when
 * `currencies` lists more than one). A valid history: no two changes of one subscription share an
 * instant (which would leave its MRR at that instant ambiguous).
 *
 * @param options - See {@link MrrChangeListOptions}.
 * @returns An arbitrary of MRR-change lists.
 *
 * @example
 * fc.sample(arbMrrChanges(), 1)[0]?.[0]
 * //=> e.g. { customerId: 'cus_3', at: 1612345678901, mrr: 9900, currency: 'USD' }
 *
 * @example
 * fc.sample(arbMrrChanges({ subscriptions: 2 }), 20).flat().every((c) => c.subscriptionId === 'sub_1' || c.subscriptionId === 'sub_2')
 * //=> true
 *
 * @category testing
 */
export function arbMrrChanges(options: MrrChangeListOptions = {}): fc.Arbitrary<MrrChange[]> {
  const currencies = options.currencies ?? ['USD'];
  const subscriptions = Math.max(1, options.subscriptions ?? 1);
  return fc
    .array(
      fc.record({
        customerId: customerId(options.customers ?? 8),
        at: arbInstant(options),
        mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
        currency: fc.constantFrom(...currencies),
        subscription: fc.integer({ min: 1, max: subscriptions }),
      }),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) => {
      const seen = new Set<string>();
      const out: MrrChange[] = [];
      for (const { subscription, ...change } of list) {
        const key = `${change.customerId} ${subscription} ${change.at}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(subscriptions > 1 ? { ...change, subscriptionId: `sub_${subscription}` } : change);
      }
      return out;
    });
}

/**
 * Lists of activity events with unique ids, drawn from the given event types.
 *
 * @param options - See {@link RecordListOptions}; `types` lists the event types.
 * @returns An arbitrary of event lists.
 *
 * @example
 * fc.sample(arbActivityEvents({ types: ['login', 'order_placed'] }), 20)
 *   .flat()
 *   .every((e) => e.type === 'login' || e.type === 'order_placed')
 * //=> true
 *
 * @category testing
 */
export function arbActivityEvents(
  options: RecordListOptions & { readonly types?: readonly string[] } = {},
): fc.Arbitrary<ActivityEvent[]> {
  const types = options.types ?? [
    'signup',
    'login',
    'project_created',
    'colleague_invited',
    'report_created',
    'order_placed',
  ];
  return fc
    .array(
      fc.record({
        customerId: customerId(options.customers ?? 8),
        type: fc.constantFrom(...types),
        at: arbInstant(options),
      }),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) => list.map((e, i) => ({ id: `evt_${i + 1}`, ...e })));
}

/**
 * Lists of orders with unique ids.
 *
 * @param options - See {@link RecordListOptions}.
 * @returns An arbitrary of order lists.
 *
 * @example
 * fc.sample(arbOrders({ currency: 'EUR' }), 20).flat().every((o) => o.currency === 'EUR')
 * //=> true
 *
 * @category testing
 */
export function arbOrders(
  options: RecordListOptions & { readonly currency?: string } = {},
): fc.Arbitrary<Order[]> {
  return fc
    .array(
      fc.record({
        customerId: customerId(options.customers ?? 8),
        at: arbInstant(options),
        total: fc.integer({ min: 0, max: 500_000 }),
      }),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) =>
      list.map((o, i) => ({ id: `ord_${i + 1}`, currency: options.currency ?? 'USD', ...o })),
    );
}

/**
 * Lists of survey answers (NPS 0-10, CSAT 1-5) with unique ids.
 *
 * @param options - See {@link RecordListOptions}; `kinds` picks the survey kinds.
 * @returns An arbitrary of survey-answer lists.
 *
 * @example
 * fc.assert(fc.property(arbSurveyResponses({ kinds: ['nps'] }), (rs) => rs.every((r) => r.score! <= 10)));
 * //=> passes
 *
 * @category testing
 */
export function arbSurveyResponses(
  options: RecordListOptions & { readonly kinds?: readonly ('nps' | 'csat')[] } = {},
): fc.Arbitrary<SurveyResponse[]> {
  const kinds = options.kinds ?? ['nps', 'csat'];
  return fc
    .array(
      fc.constantFrom(...kinds).chain((kind) =>
        fc.record({
          customerId: customerId(options.customers ?? 8),
          at: arbInstant(options),
          kind: fc.constant(kind),
          score: kind === 'nps' ? fc.integer({ min: 0, max: 10 }) : fc.integer({ min: 1, max: 5 }),
        }),
      ),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) => list.map((r, i) => ({ id: `srv_${i + 1}`, ...r })));
}

/**
 * Lists of payment attempts with realistic decline codes on failures.
 *
 * @param options - See {@link RecordListOptions}.
 * @returns An arbitrary of payment-attempt lists.
 *
 * @example
 * fc.sample(arbPaymentAttempts(), 20).flat().every((p) => (p.outcome === 'failed') === (p.declineCode !== undefined))
 * //=> true
 *
 * @category testing
 */
export function arbPaymentAttempts(
  options: RecordListOptions & { readonly currency?: string } = {},
): fc.Arbitrary<PaymentAttempt[]> {
  const codes = [
    'insufficient_funds',
    'do_not_honor',
    'expired_card',
    'stolen_card',
    'processing_error',
    'incorrect_cvc',
    'generic_decline',
  ];
  return fc
    .array(
      fc.record({
        customerId: customerId(options.customers ?? 8),
        at: arbInstant(options),
        amount: fc.integer({ min: 1, max: 500_000 }),
        failed: fc.boolean(),
        code: fc.constantFrom(...codes),
      }),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) =>
      list.map(
        ({ failed, code, ...p }, i): PaymentAttempt => ({
          id: `pay_${i + 1}`,
          currency: options.currency ?? 'USD',
          ...p,
          outcome: failed ? 'failed' : 'succeeded',
          ...(failed ? { declineCode: code } : {}),
        }),
      ),
    );
}

/**
 * Customers with unique ids, a time zone and a few attributes.
 *
 * @param options - See {@link RecordListOptions}.
 * @returns An arbitrary of customer lists.
 *
 * @example
 * fc.sample(arbCustomers(), 20).flat().every((c) => ['starter', 'team', 'business'].includes(c.attributes?.plan))
 * //=> true
 *
 * @category testing
 */
export function arbCustomers(options: RecordListOptions = {}): fc.Arbitrary<Customer[]> {
  return fc
    .array(
      fc.record({
        signedUpAt: arbInstant(options),
        timeZone: arbTimeZone(),
        plan: fc.constantFrom('starter', 'team', 'business'),
        ltv: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { maxLength: options.maxLength ?? 40 },
    )
    .map((list) =>
      list.map(({ plan, ltv, ...c }, i) => ({
        id: `cus_${i + 1}`,
        ...c,
        attributes: { plan, ltv },
      })),
    );
}
