import { failInput } from '../core/errors';
import { type InstantInput, toInstant } from '../core/instant';
import { toCurrency } from '../core/money';
import { createRandom, type Random, streamFor } from '../core/random';
import type {
  ActivityEvent,
  Attributes,
  BillingInterval,
  Customer,
  Lifetime,
  MrrChange,
  Order,
  PaymentAttempt,
  Subscription,
  SubscriptionStatus,
  SurveyResponse,
} from '../core/records';
import { isValidTimeZone, timeZoneOffset } from '../core/timeZone';
import type { ExitReason } from '../winback/exitReasons';

/**
 * The reasons a customer gives for leaving: the win-back module's taxonomy (`ExitReason`).
 *
 * @category testing
 */
export type SimulatedExitReason = ExitReason;

/**
 * Options of {@link simulateBusiness}.
 *
 * @category testing
 */
export interface SimulateBusinessOptions {
  /** Seed of the pseudo-random generator: the same seed gives the same history. @defaultValue `1` */
  readonly seed?: number;
  /** Number of customers who sign up during the signup window. @defaultValue `1000` */
  readonly customers?: number;
  /** Length of the simulated history in days. @defaultValue `90` */
  readonly days?: number;
  /** First instant of the history. @defaultValue `'2026-01-01T00:00:00Z'` */
  readonly start?: InstantInput;
  /** Signups are spread over the first `signupDays` days. @defaultValue `days` */
  readonly signupDays?: number;
  /** A subscription (SaaS) business or a non-contractual shop. @defaultValue `'saas'` */
  readonly variant?: 'saas' | 'ecommerce';
  /** Currency of every amount. @defaultValue `'USD'` */
  readonly currency?: string;
  /** Multiplies how often customers log in and use features. @defaultValue `1` */
  readonly activity?: number;
  /**
   * Days after a failed renewal charge on which the simulated billing system retries, or `false`
   * to record only the failed charges (leaving recovery to your own dunning). @defaultValue `[3, 5, 7]`
   */
  readonly retries?: readonly number[] | false;
  /** Share of would-be cancellations that pause for a month instead. @defaultValue `0.15` */
  readonly pauseShare?: number;
  /** Time zones customers live in, with weights. @defaultValue a global mix */
  readonly timeZones?: readonly { readonly timeZone: string; readonly weight: number }[];
  /** Called after each simulated day (SaaS) or each 1% of customers (shop), for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * {@link SimulateBusinessOptions} with every default filled in and `start` in epoch milliseconds.
 *
 * @category testing
 */
export interface ResolvedSimulationOptions
  extends Required<Omit<SimulateBusinessOptions, 'retries' | 'start' | 'onProgress'>> {
  readonly start: number;
  readonly retries: readonly number[] | false;
}

/**
 * The hidden truth behind a simulated customer, for tests that check a metric or model finds it.
 *
 * @category testing
 */
export interface SimulatedCustomerTruth {
  readonly customerId: string;
  /** Latent engagement in [0, 1]: drives logins, feature use and activation. */
  readonly engagement: number;
  /** Monthly churn propensity before behavioural multipliers (SaaS). */
  readonly baseMonthlyChurn: number;
  /** When the customer first reached value (`report_created`), if they did. */
  readonly firstValueAt?: number;
  /** Whether they created a project and invited a colleague within 7 days. */
  readonly activated: boolean;
  /** Whether they completed the product tour. */
  readonly tourCompleted: boolean;
  /** When their engagement started to decay, if it did (the first warning sign). */
  readonly disengagedAt?: number;
  /** When they (last) churned, if they did, and how. */
  readonly churnedAt?: number;
  readonly churnKind?: 'voluntary' | 'involuntary';
  /** The real reason for a voluntary churn. */
  readonly exitReason?: SimulatedExitReason;
  /** When they came back after churning, if they did. */
  readonly reactivatedAt?: number;
  /** When they paused, and whether they resumed. */
  readonly pausedAt?: number;
  readonly resumed?: boolean;
  /** E-commerce: purchase rate per week and post-purchase dropout probability. */
  readonly lambda?: number;
  readonly dropout?: number;
  /** E-commerce: mean order value in minor units. */
  readonly meanSpend?: number;
  /** E-commerce: whether the customer is still alive at the end of the history. */
  readonly alive?: boolean;
}

/**
 * A simulated business history: every record kind the library consumes, in time order, plus the
 * hidden truth.
 *
 * @category testing
 */
export interface SimulatedBusiness {
  /** The options the history was generated with, defaults filled in. */
  readonly options: ResolvedSimulationOptions;
  /** End of the history (exclusive): `start + days`. */
  readonly end: number;
  readonly customers: Customer[];
  /** Activity events in time order (ties by id). */
  readonly events: ActivityEvent[];
  /** SaaS: each customer's subscription as it stands at the end of the history. */
  readonly subscriptions: Subscription[];
  /** SaaS: MRR changes in time order. */
  readonly mrrChanges: MrrChange[];
  /** SaaS: payment attempts in time order. */
  readonly payments: PaymentAttempt[];
  /** E-commerce: orders in time order. */
  readonly orders: Order[];
  /** Survey answers in time order (CSAT on day 14, NPS on day 45, exit surveys). */
  readonly surveys: SurveyResponse[];
  /** SaaS: paying spans, one per subscription period of a customer (several after a reactivation). */
  readonly lifetimes: Lifetime[];
  /** The hidden truth, one entry per customer, in customer order. */
  readonly truth: {
    readonly customers: readonly SimulatedCustomerTruth[];
    /** E-commerce: the population parameters purchases were drawn from (weeks as the time unit). */
    readonly ecommerce?: {
      readonly r: number;
      readonly alpha: number;
      readonly a: number;
      readonly b: number;
      readonly p: number;
      readonly q: number;
      readonly gamma: number;
    };
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const DEFAULT_ZONES = [
  { timeZone: 'America/New_York', weight: 22 },
  { timeZone: 'America/Los_Angeles', weight: 12 },
  { timeZone: 'America/Sao_Paulo', weight: 6 },
  { timeZone: 'Europe/London', weight: 12 },
  { timeZone: 'Europe/Berlin', weight: 14 },
  { timeZone: 'Europe/Moscow', weight: 8 },
  { timeZone: 'Asia/Kolkata', weight: 8 },
  { timeZone: 'Asia/Tokyo', weight: 6 },
  { timeZone: 'Australia/Sydney', weight: 6 },
  { timeZone: 'UTC', weight: 6 },
] as const;

const COUNTRY_OF_ZONE: Record<string, string> = {
  'America/New_York': 'US',
  'America/Los_Angeles': 'US',
  'America/Sao_Paulo': 'BR',
  'Europe/London': 'GB',
  'Europe/Berlin': 'DE',
  'Europe/Moscow': 'RU',
  'Asia/Kolkata': 'IN',
  'Asia/Tokyo': 'JP',
  'Australia/Sydney': 'AU',
};

interface Plan {
  readonly name: 'starter' | 'team' | 'business';
  readonly price: number;
  readonly weight: number;
  readonly seats: readonly [number, number];
  readonly churnFactor: number;
  readonly annualShare: number;
}

const PLANS: readonly Plan[] = [
  { name: 'starter', price: 2900, weight: 45, seats: [1, 3], churnFactor: 1.25, annualShare: 0.12 },
  { name: 'team', price: 9900, weight: 40, seats: [3, 15], churnFactor: 1, annualShare: 0.22 },
  {
    name: 'business',
    price: 29900,
    weight: 15,
    seats: [10, 60],
    churnFactor: 0.6,
    annualShare: 0.35,
  },
];

const FEATURES = ['reports', 'dashboards', 'automation', 'exports', 'api', 'crm_sync'] as const;
const ACQUISITION = ['organic', 'paid_search', 'referral', 'partner', 'outbound'] as const;

const SOFT_DECLINES = [
  ['insufficient_funds', 45],
  ['do_not_honor', 18],
  ['generic_decline', 12],
  ['try_again_later', 5],
  ['processing_error', 4],
  ['card_velocity_exceeded', 3],
  ['issuer_not_available', 3],
] as const;
const HARD_DECLINES = [
  ['lost_card', 2],
  ['stolen_card', 1],
  ['pickup_card', 1],
  ['fraudulent', 1],
  ['incorrect_number', 1],
  ['revocation_of_authorization', 1],
] as const;

const EXIT_TEXT: Record<
  SimulatedExitReason,
  { readonly en: readonly string[]; readonly ru: readonly string[] }
> = {
  price: {
    en: [
      'Too expensive for a team our size',
      'The price went up and the budget did not',
      'Cheaper options do what we need',
    ],
    ru: ['Слишком дорого для нашей команды', 'Не вписывается в бюджет', 'Есть варианты дешевле'],
  },
  missing_feature: {
    en: [
      'Missing the integration we need',
      'No way to export to our accounting tool',
      'We needed a feature you do not have',
    ],
    ru: [
      'Не хватает нужной интеграции',
      'Нет нужной функции',
      'Нельзя выгрузить данные в нашу систему',
    ],
  },
  no_value: {
    en: [
      'We never really used it',
      'Could not figure out how to get value from it',
      'Not using it enough to justify it',
    ],
    ru: [
      'Мы почти не пользовались',
      'Не поняли, какую пользу это дает',
      'Не нашли ценности для себя',
    ],
  },
  technical: {
    en: ['Too many bugs and errors', 'The import kept failing', 'It was slow and crashed often'],
    ru: ['Слишком много ошибок', 'Импорт постоянно падал', 'Все тормозило и зависало'],
  },
  support: {
    en: [
      'Support never answered my ticket',
      'Bad experience with customer support',
      'Waited a week for help',
    ],
    ru: ['Поддержка не ответила на обращение', 'Плохой опыт с поддержкой', 'Ждали помощи неделю'],
  },
  competitor: {
    en: [
      'Switched to a competitor',
      'Moved to another tool our partners use',
      'Found a better alternative',
    ],
    ru: ['Перешли к конкуренту', 'Нашли альтернативу получше', 'Переехали на другой сервис'],
  },
  temporary: {
    en: [
      'Only needed it for one project',
      'We are closing the business',
      'Seasonal need, may come back later',
    ],
    ru: ['Нужно было только на один проект', 'Закрываем бизнес', 'Сезонная потребность'],
  },
  other: {
    en: ['Personal reasons', 'Company policy changed', 'No particular reason'],
    ru: ['Личные причины', 'Изменилась политика компании', 'Без особой причины'],
  },
};

/**
 * Records are filed into the bucket of the UTC day they happen on, so a follow-up scheduled for a
 * later day (an email opened the next morning) lands in order, and one after the end is dropped.
 */
class Builder {
  readonly events: ActivityEvent[][];
  readonly mrr: MrrChange[][];
  readonly payments: PaymentAttempt[][];
  readonly orders: Order[][];
  readonly surveys: SurveyResponse[][];
  constructor(
    private readonly start: number,
    private readonly days: number,
  ) {
    const make = <T>(): T[][] => Array.from({ length: days }, () => []);
    this.events = make();
    this.mrr = make();
    this.payments = make();
    this.orders = make();
    this.surveys = make();
  }
  private slot<T>(buckets: T[][], at: number): T[] | undefined {
    const d = Math.floor((at - this.start) / DAY);
    return d >= 0 && d < this.days ? buckets[d] : undefined;
  }
  event(e: ActivityEvent): void {
    this.slot(this.events, e.at as number)?.push(e);
  }
  mrrChange(m: MrrChange): void {
    this.slot(this.mrr, m.at as number)?.push(m);
  }
  payment(p: PaymentAttempt): void {
    this.slot(this.payments, p.at as number)?.push(p);
  }
  order(o: Order): void {
    this.slot(this.orders, o.at as number)?.push(o);
  }
  survey(r: SurveyResponse): void {
    this.slot(this.surveys, r.at as number)?.push(r);
  }
  /** Concatenates the buckets, each sorted by time (ties by id). */
  collect(): Pick<SimulatedBusiness, 'events' | 'mrrChanges' | 'payments' | 'orders' | 'surveys'> {
    const flat = <T extends { at: InstantInput; id: string }>(buckets: T[][]): T[] => {
      const out: T[] = [];
      for (const bucket of buckets) {
        bucket.sort(byTimeThenId);
        for (const x of bucket) out.push(x);
      }
      return out;
    };
    const mrr: MrrChange[] = [];
    for (const bucket of this.mrr) {
      bucket.sort(
        (a, b) =>
          (a.at as number) - (b.at as number) ||
          (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
      );
      for (const x of bucket) mrr.push(x);
    }
    return {
      events: flat(this.events),
      mrrChanges: mrr,
      payments: flat(this.payments),
      orders: flat(this.orders),
      surveys: flat(this.surveys),
    };
  }
}

interface SaasCustomer {
  readonly index: number;
  readonly id: string;
  readonly r: Random;
  readonly signupAt: number;
  readonly timeZone: string;
  readonly russian: boolean;
  readonly engagement: number;
  readonly baseMonthlyChurn: number;
  readonly attributes: Record<string, string | number>;
  plan: Plan;
  seats: number;
  interval: BillingInterval;
  mrr: number;
  eventSeq: number;
  subscriptionSeq: number;
  subscriptionId: string;
  subscriptionStartedAt: number;
  status: SubscriptionStatus;
  nextRenewal: number;
  renewals: number;
  card: { expMonth: number; expYear: number };
  cardUpdateAt: number;
  // onboarding plan (instants; Infinity when never)
  tourAt: number;
  tourCompleted: boolean;
  projectAt: number;
  inviteAt: number;
  valueAt: number;
  crmAt: number;
  valueReached: boolean;
  crmConnected: boolean;
  activated: boolean;
  // churn dynamics
  disengagedAt: number;
  cancelAt: number;
  cancelEffectiveAt: number;
  exitReason: SimulatedExitReason | undefined;
  badSupportUntil: number;
  technicalIssues: number;
  pauseEndsAt: number;
  pausedAt: number | undefined;
  resumed: boolean | undefined;
  reactivateAt: number;
  churnedAt: number | undefined;
  churnKind: 'voluntary' | 'involuntary' | undefined;
  reactivatedAt: number | undefined;
  lifetimeStart: number | undefined;
  // dunning by the simulated billing system
  dunning:
    | {
        invoice: string;
        firstFailedAt: number;
        retryIndex: number;
        nextRetryAt: number;
        code: string;
        amount: number;
      }
    | undefined;
  hoursSaved: number;
  milestones: number;
}

function resolveOptions(options: SimulateBusinessOptions): SimulatedBusiness['options'] {
  const fn = 'simulateBusiness';
  const int = (
    value: number | undefined,
    name: string,
    def: number,
    min: number,
    max: number,
  ): number => {
    const v = value ?? def;
    if (!(Number.isInteger(v) && v >= min && v <= max)) {
      failInput(
        { fn, path: [name], root: 'options' },
        { code: 'out_of_range', path: [], expected: `an integer ${min}-${max}` },
      );
    }
    return v;
  };
  const days = int(options.days, 'days', 90, 1, 3650);
  const timeZones = options.timeZones ?? DEFAULT_ZONES;
  timeZones.forEach((z, i) => {
    if (!isValidTimeZone(z.timeZone)) {
      failInput(
        { fn, path: ['timeZones', i, 'timeZone'], root: 'options' },
        { code: 'invalid_time_zone', path: [] },
      );
    }
    if (!(z.weight > 0 && Number.isFinite(z.weight))) {
      failInput(
        { fn, path: ['timeZones', i, 'weight'], root: 'options' },
        { code: 'out_of_range', path: [], expected: '> 0' },
      );
    }
  });
  if (timeZones.length === 0) {
    failInput(
      { fn, path: ['timeZones'], root: 'options' },
      { code: 'invalid_value', path: [], expected: 'at least one time zone' },
    );
  }
  const activity = options.activity ?? 1;
  if (!(activity > 0 && activity <= 20)) {
    failInput(
      { fn, path: ['activity'], root: 'options' },
      { code: 'out_of_range', path: [], expected: 'a number in (0, 20]' },
    );
  }
  const pauseShare = options.pauseShare ?? 0.15;
  if (!(pauseShare >= 0 && pauseShare <= 1)) {
    failInput(
      { fn, path: ['pauseShare'], root: 'options' },
      { code: 'out_of_range', path: [], expected: 'a number in [0, 1]' },
    );
  }
  const retries = options.retries ?? [3, 5, 7];
  if (retries !== false) {
    retries.forEach((d, i) => {
      if (!(Number.isInteger(d) && d > 0 && d <= 60 && (i === 0 || d > retries[i - 1]!))) {
        failInput(
          { fn, path: ['retries', i], root: 'options' },
          { code: 'invalid_value', path: [], expected: 'strictly increasing whole days 1-60' },
        );
      }
    });
  }
  const variant = options.variant ?? 'saas';
  if (variant !== 'saas' && variant !== 'ecommerce') {
    failInput(
      { fn, path: ['variant'], root: 'options' },
      { code: 'invalid_enum', path: [], expected: "'saas' or 'ecommerce'" },
    );
  }
  return {
    seed: int(options.seed, 'seed', 1, -(2 ** 31), 2 ** 32),
    customers: int(options.customers, 'customers', 1000, 0, 10_000_000),
    days,
    start: toInstant(options.start ?? '2026-01-01T00:00:00Z', {
      fn,
      path: ['start'],
      root: 'options',
    }),
    signupDays: int(options.signupDays, 'signupDays', days, 1, days),
    variant,
    currency: toCurrency(options.currency ?? 'USD', { fn, path: ['currency'], root: 'options' }),
    activity,
    retries,
    pauseShare,
    timeZones,
  };
}

/**
 * Signup instants for every customer, in order: more signups as the business grows (linearly,
 * doubling over the window) and fewer at weekends, at a daytime hour in the customer's zone.
 */
function signupDays(count: number, days: number, start: number, r: Random): number[] {
  const weights: number[] = [];
  let total = 0;
  for (let d = 0; d < days; d++) {
    const weekday = new Date(start + d * DAY).getUTCDay();
    const w = (1 + d / Math.max(1, days)) * (weekday === 0 || weekday === 6 ? 0.55 : 1);
    weights.push(w);
    total += w;
  }
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cdf.push(acc);
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const u = r.next();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out.push(lo);
  }
  return out.sort((a, b) => a - b);
}

/** An instant on UTC day `dayStart` at a local hour in `timeZone`. */
function atLocalHour(dayStart: number, hour: number, timeZone: string): number {
  const offset = timeZoneOffset(timeZone, dayStart + 12 * HOUR);
  let t = dayStart + Math.round(hour * HOUR) - offset;
  // keep it inside the UTC day so per-day ordering holds
  if (t < dayStart) t += DAY;
  if (t >= dayStart + DAY) t -= DAY;
  return t;
}

function addMonthsUtc(instant: number, months: number): number {
  const d = new Date(instant);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

function weightedPick<T extends readonly [string, number]>(r: Random, table: readonly T[]): T[0] {
  return table[r.weighted(table.map((t) => t[1]))]![0];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function byTimeThenId<T extends { at: InstantInput; id: string }>(a: T, b: T): number {
  return (a.at as number) - (b.at as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Generates a deterministic, realistic history of a subscription business (or a shop): signups,
 * onboarding (tour, first project, colleague invited, first value), logins and feature use that
 * fade in the weeks before a customer leaves, plan changes with MRR expansion and contraction,
 * renewals, card expiries and failed charges with real decline codes and retries, pauses,
 * cancellations with exit surveys in English and Russian, reactivations, CSAT and NPS answers,
 * support tickets and incidents. In the `ecommerce` variant, customers buy repeatedly following a
 * BG/NBD process with Gamma-Gamma order values, so model fits can be checked against the truth.
 *
 * Churn depends on behaviour: customers who never reach first value, skip activation or the tour,
 * never connect the CRM, or have a bad support experience leave more often.
 *
 * The same options (seed included) always give the same history, in every runtime.
 *
 * @param options - See {@link SimulateBusinessOptions}.
 * @returns The history; see {@link SimulatedBusiness}.
 * @throws {RetentionInputError} When an option is out of range.
 *
 * @example
 * const business = simulateBusiness({ seed: 7, customers: 500, days: 90 });
 * business.customers.length
 * //=> 500
 *
 * @category testing
 */
export function simulateBusiness(options: SimulateBusinessOptions = {}): SimulatedBusiness {
  const o = resolveOptions(options);
  const progress = options.onProgress ?? (() => {});
  return o.variant === 'saas' ? simulateSaas(o, progress) : simulateShop(o, progress);
}

/** What both variants draw first: signup days in order, zone weights, the width of customer ids. */
function population(o: SimulatedBusiness['options']) {
  const root = createRandom(o.seed);
  return {
    root,
    end: o.start + o.days * DAY,
    days: signupDays(o.customers, o.signupDays, o.start, root.fork('signups')),
    zoneWeights: o.timeZones.map((z) => z.weight),
    idWidth: Math.max(5, String(o.customers).length),
  };
}

function simulateSaas(
  o: SimulatedBusiness['options'],
  progress: (done: number, total: number) => void,
): SimulatedBusiness {
  const { root, end, days, zoneWeights, idWidth } = population(o);
  const customers: Customer[] = [];
  const state: SaasCustomer[] = [];
  const lifetimes: Lifetime[] = [];
  const out = new Builder(o.start, o.days);
  const incidents = planIncidents(root.fork('incidents'), o);

  // Customers who signed up on each day, in order.
  const signupsByDay: number[][] = Array.from({ length: o.days }, () => []);
  days.forEach((d, i) => {
    signupsByDay[d]!.push(i);
  });
  const active: SaasCustomer[] = [];

  for (let day = 0; day < o.days; day++) {
    const dayStart = o.start + day * DAY;
    const dayEnd = dayStart + DAY;
    for (const index of signupsByDay[day]!) {
      const c = signUp(index, dayStart, o, zoneWeights, idWidth, out, customers);
      state.push(c);
      active.push(c);
    }
    let kept = 0;
    for (const c of active) {
      simulateSaasDay(c, dayStart, dayEnd, o, out, lifetimes, incidents);
      // Customers who left for good need no more days.
      if (c.status !== 'canceled' || Number.isFinite(c.reactivateAt)) active[kept++] = c;
    }
    active.length = kept;
    progress(day + 1, o.days);
  }
  const records = out.collect();
  const subscriptions: Subscription[] = [];
  for (const c of state) {
    if (c.lifetimeStart !== undefined) lifetimes.push({ customerId: c.id, start: c.lifetimeStart });
    subscriptions.push({
      id: c.subscriptionId,
      customerId: c.id,
      plan: c.plan.name,
      status: c.status,
      billingInterval: c.interval,
      amount: c.interval === 'year' ? c.mrr * 12 : c.mrr,
      currency: o.currency,
      startedAt: c.subscriptionStartedAt,
      currentPeriodEnd: c.nextRenewal,
      ...(c.status === 'canceled' && c.churnedAt !== undefined ? { canceledAt: c.churnedAt } : {}),
      ...(c.status === 'paused' ? { pausedUntil: c.pauseEndsAt } : {}),
      card: { ...c.card },
    });
    (customers[c.index]!.attributes as Record<string, string | number>).plan = c.plan.name;
    (customers[c.index]!.attributes as Record<string, string | number>).seats = c.seats;
    (customers[c.index]!.attributes as Record<string, string | number>).billingInterval =
      c.interval;
  }
  lifetimes.sort(
    (a, b) => (a.start as number) - (b.start as number) || (a.customerId < b.customerId ? -1 : 1),
  );
  return {
    options: o,
    end,
    customers,
    events: records.events,
    subscriptions,
    mrrChanges: records.mrrChanges,
    payments: records.payments,
    orders: [],
    surveys: records.surveys,
    lifetimes,
    truth: {
      customers: state.map((c) => ({
        customerId: c.id,
        engagement: c.engagement,
        baseMonthlyChurn: c.baseMonthlyChurn,
        ...(c.valueReached ? { firstValueAt: c.valueAt } : {}),
        activated: c.activated,
        tourCompleted: c.tourCompleted,
        ...(Number.isFinite(c.disengagedAt) && c.disengagedAt < end
          ? { disengagedAt: c.disengagedAt }
          : {}),
        ...(c.churnedAt === undefined ? {} : { churnedAt: c.churnedAt }),
        ...(c.churnKind === undefined ? {} : { churnKind: c.churnKind }),
        ...(c.exitReason === undefined || c.churnKind !== 'voluntary'
          ? {}
          : { exitReason: c.exitReason }),
        ...(c.reactivatedAt === undefined ? {} : { reactivatedAt: c.reactivatedAt }),
        ...(c.pausedAt === undefined ? {} : { pausedAt: c.pausedAt }),
        ...(c.resumed === undefined ? {} : { resumed: c.resumed }),
      })),
    },
  };
}

interface Incident {
  readonly id: string;
  readonly at: number;
  readonly feature: string;
}

function planIncidents(r: Random, o: SimulatedBusiness['options']): Incident[] {
  const count = Math.max(1, Math.round(o.days / 45));
  const out: Incident[] = [];
  for (let i = 0; i < count; i++) {
    const day = r.int(o.days);
    out.push({
      id: `inc_${pad(i + 1, 3)}`,
      at: o.start + day * DAY + r.int(24) * HOUR,
      feature: r.pick(['api', 'crm_sync', 'exports']),
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

function emit(
  c: { id: string; eventSeq: number },
  b: Builder,
  type: string,
  at: number,
  properties?: Attributes,
): void {
  c.eventSeq++;
  b.event({
    id: `evt_${c.id.slice(4)}_${pad(c.eventSeq, 4)}`,
    customerId: c.id,
    type,
    at,
    ...(properties === undefined ? {} : { properties }),
  });
}

function signUp(
  index: number,
  dayStart: number,
  o: SimulatedBusiness['options'],
  zoneWeights: readonly number[],
  idWidth: number,
  b: Builder,
  customers: Customer[],
): SaasCustomer {
  const r = streamFor(o.seed, index);
  const zone = o.timeZones[r.weighted(zoneWeights)]!.timeZone;
  const id = `cus_${pad(index + 1, idWidth)}`;
  const signupAt = atLocalHour(dayStart, 8 + r.next() * 12, zone);
  const plan = PLANS[r.weighted(PLANS.map((p) => p.weight))]!;
  const seats = plan.seats[0] + r.int(plan.seats[1] - plan.seats[0] + 1);
  const interval: BillingInterval = r.chance(plan.annualShare) ? 'year' : 'month';
  const engagement = r.beta(2.2, 2);
  const baseMonthlyChurn = Math.min(0.6, r.beta(1.3, 19) * plan.churnFactor);
  const mrr = interval === 'year' ? Math.round((plan.price * 10) / 12) : plan.price;
  const channel = ACQUISITION[r.weighted([40, 25, 15, 10, 10])]!;
  const companySize =
    seats <= 3 ? '1-10' : seats <= 15 ? '11-50' : seats <= 40 ? '51-200' : '201-1000';
  const attributes: Record<string, string | number> = {
    plan: plan.name,
    seats,
    billingInterval: interval,
    country: COUNTRY_OF_ZONE[zone] ?? 'US',
    acquisitionChannel: channel,
    companySize,
  };
  customers.push({ id, signedUpAt: signupAt, timeZone: zone, attributes });
  const e = engagement;
  // Onboarding plan: who takes the tour, creates a project, invites a colleague, reaches value.
  const tourTaken = r.chance(0.3 + 0.5 * e);
  const tourCompleted = tourTaken && r.chance(0.55 + 0.35 * e);
  const tourAt = tourTaken ? signupAt + (5 + r.int(55)) * 60_000 : Number.POSITIVE_INFINITY;
  const projectAt = r.chance(0.45 + 0.5 * e)
    ? signupAt + Math.round(r.exponential(1 / ((1.5 / (0.4 + e)) * DAY)))
    : Number.POSITIVE_INFINITY;
  const inviteP = (0.2 + 0.55 * e) * (plan.name === 'starter' ? 0.7 : 1.15);
  const inviteAt = r.chance(Math.min(0.95, inviteP))
    ? signupAt + Math.round(r.exponential(1 / ((3 / (0.4 + e)) * DAY)))
    : Number.POSITIVE_INFINITY;
  const valueP = Math.min(0.97, 0.5 + 0.4 * e + (tourCompleted ? 0.1 : 0));
  const ttfvHours = r.logNormal(Math.log(30) - 1.4 * (e - 0.5) - (tourCompleted ? 0.6 : 0), 1.1);
  const valueAt = r.chance(valueP)
    ? signupAt + Math.round(ttfvHours * HOUR)
    : Number.POSITIVE_INFINITY;
  const crmAt = r.chance(0.2 + 0.45 * e)
    ? signupAt + Math.round(r.exponential(1 / (10 * DAY)))
    : Number.POSITIVE_INFINITY;
  const expiryMonths = 1 + r.int(30);
  const expiry = new Date(addMonthsUtc(signupAt, expiryMonths));
  const c: SaasCustomer = {
    index,
    id,
    r,
    signupAt,
    timeZone: zone,
    russian: zone === 'Europe/Moscow',
    engagement,
    baseMonthlyChurn,
    attributes,
    plan,
    seats,
    interval,
    mrr,
    eventSeq: 0,
    subscriptionSeq: 1,
    subscriptionId: `sub_${id.slice(4)}_1`,
    subscriptionStartedAt: signupAt,
    status: 'active',
    nextRenewal: addMonthsUtc(signupAt, interval === 'year' ? 12 : 1),
    renewals: 1,
    card: { expMonth: expiry.getUTCMonth() + 1, expYear: expiry.getUTCFullYear() },
    cardUpdateAt: Number.POSITIVE_INFINITY,
    tourAt,
    tourCompleted,
    projectAt,
    inviteAt,
    valueAt,
    crmAt,
    valueReached: false,
    crmConnected: false,
    activated: false,
    disengagedAt: Number.POSITIVE_INFINITY,
    cancelAt: Number.POSITIVE_INFINITY,
    cancelEffectiveAt: Number.POSITIVE_INFINITY,
    exitReason: undefined,
    badSupportUntil: 0,
    technicalIssues: 0,
    pauseEndsAt: Number.POSITIVE_INFINITY,
    pausedAt: undefined,
    resumed: undefined,
    reactivateAt: Number.POSITIVE_INFINITY,
    churnedAt: undefined,
    churnKind: undefined,
    reactivatedAt: undefined,
    lifetimeStart: signupAt,
    dunning: undefined,
    hoursSaved: 0,
    milestones: 0,
  };
  // Customers who keep their card current update it some time before it expires.
  const expiresAt = Date.UTC(c.card.expYear, c.card.expMonth, 1);
  if (r.chance(0.25 + 0.3 * e)) c.cardUpdateAt = expiresAt - (5 + r.int(40)) * DAY;
  emit(c, b, 'signup', signupAt, { plan: plan.name, channel });
  b.mrrChange({
    customerId: id,
    at: signupAt,
    mrr,
    currency: o.currency,
    subscriptionId: c.subscriptionId,
    plan: plan.name,
    billingInterval: interval,
  });
  b.payment({
    id: `pay_${id.slice(4)}_${pad(c.subscriptionSeq, 2)}_${pad(0, 3)}_1`,
    customerId: id,
    subscriptionId: c.subscriptionId,
    at: signupAt,
    amount: interval === 'year' ? mrr * 12 : mrr,
    currency: o.currency,
    outcome: 'succeeded',
    attempt: 1,
  });
  return c;
}

function monthlyToDaily(p: number): number {
  return 1 - (1 - Math.min(p, 0.95)) ** (1 / 30.4);
}

function chooseExitReason(c: SaasCustomer): SimulatedExitReason {
  const w: Record<SimulatedExitReason, number> = {
    price: c.plan.name === 'starter' ? 22 : c.plan.name === 'team' ? 16 : 10,
    missing_feature: 12,
    no_value: c.valueReached ? 6 : 38,
    technical: 4 + c.technicalIssues * 8,
    support: c.badSupportUntil > 0 ? 25 : 3,
    competitor: 12,
    temporary: 8,
    other: 5,
  };
  const keys = Object.keys(w) as SimulatedExitReason[];
  return keys[c.r.weighted(keys.map((k) => w[k]))]!;
}

function simulateSaasDay(
  c: SaasCustomer,
  dayStart: number,
  dayEnd: number,
  o: SimulatedBusiness['options'],
  b: Builder,
  lifetimes: Lifetime[],
  incidents: readonly Incident[],
): void {
  const r = c.r;
  const live = c.status === 'active' || c.status === 'past_due';
  if (c.status === 'canceled') {
    if (c.reactivateAt >= dayStart && c.reactivateAt < dayEnd) reactivate(c, o, b);
    return;
  }
  const inDay = (t: number) => t >= dayStart && t < dayEnd;
  const tenureDays = (dayStart - c.signupAt) / DAY;

  if (live) {
    // Onboarding milestones that fall today.
    if (inDay(c.tourAt)) {
      emit(c, b, 'tour_started', c.tourAt);
      emit(
        c,
        b,
        c.tourCompleted ? 'tour_completed' : 'tour_abandoned',
        c.tourAt + (4 + r.int(10)) * 60_000,
      );
    }
    if (inDay(c.projectAt)) emit(c, b, 'project_created', c.projectAt);
    if (inDay(c.inviteAt)) emit(c, b, 'colleague_invited', c.inviteAt);
    if (inDay(c.valueAt) && c.valueAt < c.disengagedAt) {
      c.valueReached = true;
      emit(c, b, 'report_created', c.valueAt, { first: true });
    }
    if (inDay(c.crmAt) && c.crmAt < c.disengagedAt) {
      c.crmConnected = true;
      emit(c, b, 'integration_connected', c.crmAt, { integration: 'crm' });
    }
    if (
      !c.activated &&
      c.projectAt <= c.signupAt + 7 * DAY &&
      c.inviteAt <= c.signupAt + 7 * DAY &&
      c.inviteAt < dayEnd
    ) {
      c.activated = true;
    }
    if (c.projectAt < dayEnd && !c.valueReached && r.chance(0.04)) {
      c.technicalIssues++;
      emit(c, b, 'import_failed', atLocalHour(dayStart, 9 + r.next() * 9, c.timeZone), {
        step: 'import_data',
      });
    }

    // Disengagement onset: the hazard depends on behaviour.
    if (!Number.isFinite(c.disengagedAt)) {
      let m = 1;
      if (!c.valueReached) m *= tenureDays < 2 ? 1.5 : 3.2;
      if (tenureDays >= 7 && !c.activated) m *= 1.6;
      if (!c.tourCompleted) m *= 1.3;
      if (!c.crmConnected && tenureDays >= 14) m *= 1.4;
      if (c.badSupportUntil > dayStart) m *= 1.8;
      if (c.technicalIssues > 1) m *= 1.3;
      if (r.chance(monthlyToDaily(c.baseMonthlyChurn * m))) {
        c.disengagedAt = dayStart + r.int(DAY);
        // New customers give up fast; established ones fade for weeks before they cancel.
        c.cancelAt = c.disengagedAt + (tenureDays < 21 ? 1 + r.int(8) : 7 + r.int(22)) * DAY;
        c.exitReason = chooseExitReason(c);
        if (c.interval === 'year' && r.chance(0.35)) {
          // Some annual customers switch to monthly on the way out.
          c.interval = 'month';
          c.mrr = Math.round((c.mrr * 12) / 10);
          emit(c, b, 'billing_interval_changed', c.disengagedAt + DAY, {
            from: 'year',
            to: 'month',
          });
          b.mrrChange({
            customerId: c.id,
            at: c.disengagedAt + DAY,
            mrr: c.mrr,
            currency: o.currency,
            subscriptionId: c.subscriptionId,
            plan: c.plan.name,
            billingInterval: 'month',
          });
          c.nextRenewal = Math.min(c.nextRenewal, addMonthsUtc(c.disengagedAt + DAY, 1));
        }
      }
    }
    const fade =
      Number.isFinite(c.disengagedAt) && dayStart >= c.disengagedAt
        ? Math.exp(-(dayStart - c.disengagedAt) / (6 * DAY))
        : 1;

    // Logins and feature use, fewer at weekends (local) and fading after disengagement.
    const localWeekday = new Date(
      dayStart + 12 * HOUR + timeZoneOffset(c.timeZone, dayStart),
    ).getUTCDay();
    const weekend = localWeekday === 0 || localWeekday === 6 ? 0.35 : 1;
    const pLogin = Math.min(0.98, (0.1 + 0.62 * c.engagement) * fade * weekend * o.activity);
    const loginAt = r.chance(pLogin)
      ? atLocalHour(dayStart, 8 + r.next() * 11, c.timeZone)
      : Number.NaN;
    if (loginAt < c.cancelAt) {
      emit(c, b, 'login', loginAt);
      const uses = r.poisson((0.4 + 1.6 * c.engagement) * fade * o.activity);
      for (let u = 0; u < uses; u++) {
        const feature = pickFeature(c, r);
        if (feature === 'crm_sync' && !c.crmConnected) continue;
        const at = loginAt + (1 + r.int(90)) * 60_000;
        emit(c, b, 'feature_used', at, { feature });
        if (feature === 'reports' && c.valueReached && r.chance(0.3))
          emit(c, b, 'report_created', at + 60_000);
        if (feature === 'automation' && c.valueReached) {
          const saved = Math.round((0.5 + r.next() * 1.5) * 10) / 10;
          c.hoursSaved = Math.round((c.hoursSaved + saved) * 10) / 10;
          emit(c, b, 'report_automated', at + 120_000, {
            hoursSaved: saved,
            totalHoursSaved: c.hoursSaved,
          });
        }
      }
    }

    // Weekly engagement email.
    if (tenureDays >= 1 && Math.floor(tenureDays) % 7 === 3) {
      const sentAt = atLocalHour(dayStart, 10, c.timeZone);
      const campaign = `weekly-tips-${Math.floor(tenureDays / 7)}`;
      emit(c, b, 'email_sent', sentAt, { campaign });
      if (r.chance((0.15 + 0.5 * c.engagement) * fade)) {
        emit(c, b, 'email_opened', sentAt + (10 + r.int(600)) * 60_000, { campaign });
        if (r.chance(0.35))
          emit(c, b, 'email_clicked', sentAt + (15 + r.int(600)) * 60_000, { campaign });
      }
    }

    // Support.
    if (r.chance(0.008 + 0.01 * c.technicalIssues)) {
      const openedAt = atLocalHour(dayStart, 9 + r.next() * 8, c.timeZone);
      emit(c, b, 'support_ticket_opened', openedAt, {
        topic: r.pick(['billing', 'how-to', 'bug', 'integration']),
      });
      const bad = r.chance(0.12 + 0.12 * (1 - c.engagement));
      const satisfaction = bad ? 1 + r.int(2) : 3 + r.int(3);
      emit(c, b, 'support_ticket_closed', openedAt + (2 + r.int(70)) * HOUR, { satisfaction });
      if (bad) c.badSupportUntil = dayStart + 30 * DAY;
    }

    // Incidents hit customers who use the affected feature.
    for (const inc of incidents) {
      if (inDay(inc.at) && (inc.feature !== 'crm_sync' || c.crmConnected) && r.chance(0.3)) {
        emit(c, b, 'incident_affected', inc.at, { incidentId: inc.id, feature: inc.feature });
      }
    }

    // Surveys: CSAT on day 14, NPS on day 45.
    if (Math.floor(tenureDays) === 14 && r.chance(0.4)) {
      const base =
        2.6 +
        1.6 * c.engagement +
        (c.valueReached ? 0.8 : -0.6) -
        (c.badSupportUntil > dayStart ? 1 : 0);
      const score = Math.max(1, Math.min(5, Math.round(base + r.normal() * 0.7)));
      b.survey({
        id: `srv_${c.id.slice(4)}_csat`,
        customerId: c.id,
        at: atLocalHour(dayStart, 11, c.timeZone),
        kind: 'csat',
        score,
        question: 'day-14',
      });
    }
    if (Math.floor(tenureDays) === 45 && r.chance(0.3)) {
      const base = 4.5 + 4 * c.engagement * fade + (c.valueReached ? 1 : -1.5);
      const score = Math.max(0, Math.min(10, Math.round(base + r.normal() * 1.6)));
      b.survey({
        id: `srv_${c.id.slice(4)}_nps`,
        customerId: c.id,
        at: atLocalHour(dayStart, 11, c.timeZone),
        kind: 'nps',
        score,
        question: 'day-45',
      });
    }

    // Card updates.
    if (inDay(c.cardUpdateAt)) {
      const next = new Date(addMonthsUtc(c.cardUpdateAt, 24 + r.int(24)));
      c.card = { expMonth: next.getUTCMonth() + 1, expYear: next.getUTCFullYear() };
      c.cardUpdateAt = Number.POSITIVE_INFINITY;
      emit(c, b, 'payment_method_updated', atLocalHour(dayStart, 12, c.timeZone));
      if (c.dunning !== undefined && o.retries !== false)
        c.dunning.nextRetryAt = Math.min(
          c.dunning.nextRetryAt,
          atLocalHour(dayStart, 12, c.timeZone) + HOUR,
        );
    }

    // A cancellation request: pause instead, or cancel at the end of the period.
    if (inDay(c.cancelAt)) requestCancellation(c, o, b);
  }

  // Pause ends.
  if (c.status === 'paused' && inDay(c.pauseEndsAt)) {
    if (r.chance(1 / 3)) {
      c.status = 'active';
      c.resumed = true;
      c.disengagedAt = Number.POSITIVE_INFINITY;
      c.cancelAt = Number.POSITIVE_INFINITY;
      c.exitReason = undefined;
      emit(c, b, 'subscription_resumed', c.pauseEndsAt);
      b.mrrChange({
        customerId: c.id,
        at: c.pauseEndsAt,
        mrr: c.mrr,
        currency: o.currency,
        subscriptionId: c.subscriptionId,
        plan: c.plan.name,
        billingInterval: c.interval,
      });
      c.nextRenewal = addMonthsUtc(c.pauseEndsAt, 1);
      renewCharge(c, o, b, c.pauseEndsAt);
    } else {
      c.resumed = false;
      c.status = 'canceled';
      c.churnedAt = c.pauseEndsAt;
      c.churnKind = 'voluntary';
      emit(c, b, 'subscription_canceled', c.pauseEndsAt, { kind: 'voluntary', afterPause: true });
      if (c.lifetimeStart !== undefined) {
        lifetimes.push({ customerId: c.id, start: c.lifetimeStart, end: c.pauseEndsAt });
        c.lifetimeStart = undefined;
      }
      maybePlanReactivation(c);
    }
    return;
  }

  // Renewal charges, dunning retries, cancellations taking effect.
  if (c.status === 'active' || c.status === 'past_due') {
    if (c.dunning !== undefined && inDay(c.dunning.nextRetryAt)) retry(c, o, b, lifetimes);
    if (!isCanceled(c) && inDay(c.cancelEffectiveAt)) {
      endSubscription(c, c.cancelEffectiveAt, 'voluntary', o, b, lifetimes);
      return;
    }
    if (!isCanceled(c) && inDay(c.nextRenewal)) {
      if (c.cancelEffectiveAt <= c.nextRenewal)
        endSubscription(c, c.nextRenewal, 'voluntary', o, b, lifetimes);
      else renew(c, o, b);
    }
  }
}

/** Reads the status afresh (TypeScript would keep a narrowed type across calls that change it). */
function isCanceled(c: SaasCustomer): boolean {
  return c.status === 'canceled';
}

function pickFeature(c: SaasCustomer, r: Random): string {
  const weights = [
    30,
    20,
    12 + 20 * c.engagement,
    8,
    c.plan.name === 'business' ? 12 : 3,
    c.crmConnected ? 15 : 0,
  ];
  return FEATURES[r.weighted(weights)]!;
}

function requestCancellation(c: SaasCustomer, o: SimulatedBusiness['options'], b: Builder): void {
  const r = c.r;
  const at = c.cancelAt;
  const reason = c.exitReason ?? chooseExitReason(c);
  if (c.pausedAt === undefined && c.interval === 'month' && r.chance(o.pauseShare)) {
    c.status = 'paused';
    c.pausedAt = at;
    c.pauseEndsAt = at + 30 * DAY;
    c.dunning = undefined;
    emit(c, b, 'subscription_paused', at, { months: 1 });
    // A paused customer has not churned (the lifetime goes on), but pays nothing meanwhile.
    b.mrrChange({
      customerId: c.id,
      at,
      mrr: 0,
      currency: o.currency,
      subscriptionId: c.subscriptionId,
      plan: c.plan.name,
      billingInterval: c.interval,
    });
    return;
  }
  emit(c, b, 'cancellation_requested', at, { exitReason: reason });
  if (r.chance(0.7)) {
    const texts = EXIT_TEXT[reason];
    const text = r.pick(c.russian && r.chance(0.8) ? texts.ru : texts.en);
    b.survey({
      id: `srv_${c.id.slice(4)}_exit_${c.subscriptionSeq}`,
      customerId: c.id,
      at: at + 60_000,
      kind: 'exit',
      text,
      question: 'main-reason',
    });
  }
  // Monthly customers often cancel at once; annual contracts run to the end of the term.
  c.cancelEffectiveAt = c.interval === 'month' && r.chance(0.55) ? at + 5 * 60_000 : c.nextRenewal;
}

function renew(c: SaasCustomer, o: SimulatedBusiness['options'], b: Builder): void {
  const r = c.r;
  const at = c.nextRenewal;
  // Plan changes at renewal: engaged customers expand, fading ones contract.
  const fading = Number.isFinite(c.disengagedAt) && c.disengagedAt <= at;
  if (!fading && r.chance(0.09 * c.engagement)) {
    const idx = PLANS.indexOf(c.plan);
    if (idx < PLANS.length - 1 && r.chance(0.3)) {
      const from = c.plan.name;
      c.plan = PLANS[idx + 1]!;
      c.mrr = c.interval === 'year' ? Math.round((c.plan.price * 10) / 12) : c.plan.price;
      emit(c, b, 'plan_changed', at, { from, to: c.plan.name });
    } else {
      const added = 1 + r.int(Math.max(1, Math.round(c.seats * 0.3)));
      c.seats += added;
      c.mrr += Math.round((c.mrr * added) / Math.max(4, c.seats));
      emit(c, b, 'seats_changed', at, { seats: c.seats, delta: added });
    }
    b.mrrChange({
      customerId: c.id,
      at,
      mrr: c.mrr,
      currency: o.currency,
      subscriptionId: c.subscriptionId,
      plan: c.plan.name,
      billingInterval: c.interval,
    });
  } else if (r.chance(fading ? 0.15 : 0.025 * (1 - c.engagement))) {
    const idx = PLANS.indexOf(c.plan);
    if (idx > 0 && r.chance(0.4)) {
      const from = c.plan.name;
      c.plan = PLANS[idx - 1]!;
      c.mrr = c.interval === 'year' ? Math.round((c.plan.price * 10) / 12) : c.plan.price;
      emit(c, b, 'plan_changed', at, { from, to: c.plan.name });
    } else if (c.seats > 1) {
      const removed = 1 + r.int(Math.max(1, Math.floor(c.seats * 0.25)));
      const before = c.seats;
      c.seats = Math.max(1, c.seats - removed);
      c.mrr = Math.max(
        Math.round(c.plan.price / 2),
        c.mrr - Math.round((c.mrr * (before - c.seats)) / Math.max(4, before)),
      );
      emit(c, b, 'seats_changed', at, { seats: c.seats, delta: c.seats - before });
    }
    b.mrrChange({
      customerId: c.id,
      at,
      mrr: c.mrr,
      currency: o.currency,
      subscriptionId: c.subscriptionId,
      plan: c.plan.name,
      billingInterval: c.interval,
    });
  }
  c.nextRenewal = addMonthsUtc(at, c.interval === 'year' ? 12 : 1);
  renewCharge(c, o, b, at);
}

/** Charges one billing period at `at`, starting the billing system's retries when it fails. */
function renewCharge(
  c: SaasCustomer,
  o: SimulatedBusiness['options'],
  b: Builder,
  at: number,
): void {
  const r = c.r;
  const amount = c.interval === 'year' ? c.mrr * 12 : c.mrr;
  const invoice = `${c.subscriptionSeq}_${pad(c.renewals, 3)}`;
  c.renewals++;
  const cardExpired = Date.UTC(c.card.expYear, c.card.expMonth, 1) <= at;
  let code: string | undefined;
  if (cardExpired) code = 'expired_card';
  else if (r.chance(0.1)) {
    code = r.chance(0.9) ? weightedPick(r, SOFT_DECLINES) : weightedPick(r, HARD_DECLINES);
    if (r.chance(0.03)) code = 'incorrect_cvc';
  }
  b.payment({
    id: `pay_${c.id.slice(4)}_${invoice}_1`,
    customerId: c.id,
    subscriptionId: c.subscriptionId,
    at,
    amount,
    currency: o.currency,
    outcome: code === undefined ? 'succeeded' : 'failed',
    ...(code === undefined ? {} : { declineCode: code }),
    attempt: 1,
  });
  if (code === undefined) {
    emit(c, b, 'payment_succeeded', at, { invoice });
    return;
  }
  emit(c, b, 'payment_failed', at, { invoice, declineCode: code, attempt: 1 });
  c.status = 'past_due';
  const retries = o.retries;
  c.dunning = {
    invoice,
    firstFailedAt: at,
    retryIndex: 0,
    nextRetryAt:
      retries === false || retries.length === 0 ? Number.POSITIVE_INFINITY : at + retries[0]! * DAY,
    code,
    amount,
  };
  // Some customers fix their card when told it failed.
  if ((code === 'expired_card' || code === 'incorrect_cvc') && r.chance(0.45))
    c.cardUpdateAt = at + (1 + r.int(6)) * DAY;
  if (retries === false) {
    // Without simulated retries, the invoice stays failed; the subscription lapses after 14 days.
    c.dunning.nextRetryAt = at + 14 * DAY;
    c.dunning.retryIndex = Number.POSITIVE_INFINITY;
  }
}

const HARD_CODES = new Set<string>(HARD_DECLINES.map((d) => d[0]));

function retry(
  c: SaasCustomer,
  o: SimulatedBusiness['options'],
  b: Builder,
  lifetimes: Lifetime[],
): void {
  const d = c.dunning!;
  const at = d.nextRetryAt;
  const retries = o.retries === false ? [] : o.retries;
  if (d.retryIndex >= retries.length || HARD_CODES.has(d.code)) {
    endSubscription(c, at, 'involuntary', o, b, lifetimes);
    return;
  }
  const attempt = d.retryIndex + 2;
  const cardFixed = Date.UTC(c.card.expYear, c.card.expMonth, 1) > at;
  let success: boolean;
  if (d.code === 'expired_card' || d.code === 'incorrect_cvc')
    success = cardFixed && c.cardUpdateAt === Number.POSITIVE_INFINITY;
  else success = c.r.chance(0.2);
  b.payment({
    id: `pay_${c.id.slice(4)}_${d.invoice}_${attempt}`,
    customerId: c.id,
    subscriptionId: c.subscriptionId,
    at,
    amount: d.amount,
    currency: o.currency,
    outcome: success ? 'succeeded' : 'failed',
    ...(success ? {} : { declineCode: d.code }),
    attempt,
  });
  if (success) {
    emit(c, b, 'payment_succeeded', at, { invoice: d.invoice, attempt });
    c.status = 'active';
    c.dunning = undefined;
    return;
  }
  emit(c, b, 'payment_failed', at, { invoice: d.invoice, declineCode: d.code, attempt });
  d.retryIndex++;
  if (d.retryIndex < retries.length) d.nextRetryAt = d.firstFailedAt + retries[d.retryIndex]! * DAY;
  else d.nextRetryAt = d.firstFailedAt + (retries[retries.length - 1]! + 7) * DAY;
}

function endSubscription(
  c: SaasCustomer,
  at: number,
  kind: 'voluntary' | 'involuntary',
  o: SimulatedBusiness['options'],
  b: Builder,
  lifetimes: Lifetime[],
): void {
  c.status = 'canceled';
  c.churnedAt = at;
  c.churnKind = kind;
  c.dunning = undefined;
  c.cancelEffectiveAt = Number.POSITIVE_INFINITY;
  emit(c, b, 'subscription_canceled', at, { kind });
  b.mrrChange({
    customerId: c.id,
    at,
    mrr: 0,
    currency: o.currency,
    subscriptionId: c.subscriptionId,
    plan: c.plan.name,
    billingInterval: c.interval,
  });
  if (c.lifetimeStart !== undefined) {
    lifetimes.push({ customerId: c.id, start: c.lifetimeStart, end: at });
    c.lifetimeStart = undefined;
  }
  if (kind === 'voluntary') maybePlanReactivation(c);
  else if (c.r.chance(0.04)) c.reactivateAt = at + (20 + c.r.int(60)) * DAY;
}

function maybePlanReactivation(c: SaasCustomer): void {
  if (c.churnedAt !== undefined && c.r.chance(0.09))
    c.reactivateAt = c.churnedAt + (14 + c.r.int(60)) * DAY;
}

function reactivate(c: SaasCustomer, o: SimulatedBusiness['options'], b: Builder): void {
  const r = c.r;
  const at = c.reactivateAt;
  c.reactivateAt = Number.POSITIVE_INFINITY;
  c.reactivatedAt = at;
  c.subscriptionSeq++;
  c.subscriptionId = `sub_${c.id.slice(4)}_${c.subscriptionSeq}`;
  c.subscriptionStartedAt = at;
  c.status = 'active';
  c.interval = 'month';
  c.plan = r.chance(0.6) ? c.plan : PLANS[Math.max(0, PLANS.indexOf(c.plan) - 1)]!;
  c.mrr = c.plan.price;
  c.nextRenewal = addMonthsUtc(at, 1);
  c.renewals = 1;
  c.disengagedAt = Number.POSITIVE_INFINITY;
  c.cancelAt = Number.POSITIVE_INFINITY;
  c.exitReason = undefined;
  c.lifetimeStart = at;
  if (Date.UTC(c.card.expYear, c.card.expMonth, 1) <= at) {
    const next = new Date(addMonthsUtc(at, 24 + r.int(24)));
    c.card = { expMonth: next.getUTCMonth() + 1, expYear: next.getUTCFullYear() };
  }
  emit(c, b, 'subscription_reactivated', at, { plan: c.plan.name });
  b.mrrChange({
    customerId: c.id,
    at,
    mrr: c.mrr,
    currency: o.currency,
    subscriptionId: c.subscriptionId,
    plan: c.plan.name,
    billingInterval: 'month',
  });
  b.payment({
    id: `pay_${c.id.slice(4)}_${c.subscriptionSeq}_${pad(0, 3)}_1`,
    customerId: c.id,
    subscriptionId: c.subscriptionId,
    at,
    amount: c.mrr,
    currency: o.currency,
    outcome: 'succeeded',
    attempt: 1,
  });
}

// ---------------------------------------------------------------------------------------------
// E-commerce: BG/NBD purchasing with Gamma-Gamma spend.

const SHOP = {
  r: 0.243,
  alpha: 4.414,
  a: 0.793,
  b: 2.426,
  p: 6.25,
  q: 3.74,
  gamma: 15.44,
} as const;
const WEEK = 7 * DAY;

function simulateShop(
  o: SimulatedBusiness['options'],
  progress: (done: number, total: number) => void,
): SimulatedBusiness {
  const { end, days, zoneWeights, idWidth } = population(o);
  const customers: Customer[] = [];
  const all = new Builder(o.start, o.days);
  const truth: SimulatedCustomerTruth[] = [];
  const step = Math.max(1, Math.floor(o.customers / 100));
  for (let i = 0; i < o.customers; i++) {
    if (i % step === 0) progress(i, o.customers);
    const r = streamFor(o.seed, i);
    const zone = o.timeZones[r.weighted(zoneWeights)]!.timeZone;
    const id = `cus_${pad(i + 1, idWidth)}`;
    const dayStart = o.start + days[i]! * DAY;
    const firstAt = atLocalHour(dayStart, 8 + r.next() * 14, zone);
    const lambda = r.gamma(SHOP.r, 1 / SHOP.alpha); // purchases per week
    const dropout = r.beta(SHOP.a, SHOP.b);
    const nu = r.gamma(SHOP.q, 1 / SHOP.gamma);
    const engagement = Math.min(1, lambda * 2);
    customers.push({
      id,
      signedUpAt: firstAt,
      timeZone: zone,
      attributes: {
        country: COUNTRY_OF_ZONE[zone] ?? 'US',
        acquisitionChannel: ACQUISITION[r.weighted([40, 25, 15, 10, 10])]!,
      },
    });
    const c = { id, eventSeq: 0 };
    let orderSeq = 0;
    const placeOrder = (at: number) => {
      orderSeq++;
      const spend = r.gamma(SHOP.p, 1 / nu); // dollars
      const total = Math.max(100, Math.round(spend * 100));
      const orderId = `ord_${id.slice(4)}_${pad(orderSeq, 3)}`;
      emit(c, all, 'cart_added', at - (3 + r.int(40)) * 60_000, { items: 1 + r.int(4) });
      all.order({
        id: orderId,
        customerId: id,
        at,
        total,
        currency: o.currency,
        items: 1 + r.int(4),
      });
      emit(c, all, 'order_placed', at, { orderId, total });
      emit(c, all, 'order_delivered', at + (2 + r.int(4)) * DAY, { orderId });
      if (r.chance(0.15)) {
        all.survey({
          id: `srv_${orderId}`,
          customerId: id,
          at: at + 5 * DAY,
          kind: 'csat',
          score: Math.max(1, Math.min(5, Math.round(3.8 + r.normal()))),
          question: 'delivery',
        });
      }
    };
    emit(c, all, 'signup', Math.max(dayStart, firstAt - 5 * 60_000));
    placeOrder(firstAt);
    let t = firstAt;
    let alive = true;
    for (;;) {
      t += r.exponential(lambda) * WEEK;
      if (t >= end) break;
      const at = Math.round(t);
      placeOrder(at);
      if (r.chance(dropout)) {
        alive = false;
        break;
      }
    }
    // Abandoned carts and visits between orders, while the customer is around.
    const visits = r.poisson(((end - firstAt) / WEEK) * (0.3 + lambda) * o.activity);
    for (let v = 0; v < visits; v++) {
      const at = firstAt + r.int(Math.max(1, end - firstAt));
      emit(c, all, 'visit', at);
      if (r.chance(0.25)) emit(c, all, 'cart_added', at + 120_000, { items: 1 });
    }
    truth.push({
      customerId: id,
      engagement,
      baseMonthlyChurn: 0,
      activated: orderSeq > 1,
      tourCompleted: false,
      lambda,
      dropout,
      meanSpend: Math.round((SHOP.p / nu) * 100),
      alive,
    });
  }
  progress(o.customers, o.customers);
  const records = all.collect();
  return {
    options: o,
    end,
    customers,
    events: records.events,
    subscriptions: [],
    mrrChanges: [],
    payments: [],
    orders: records.orders,
    surveys: records.surveys,
    lifetimes: [],
    truth: { customers: truth, ecommerce: { ...SHOP } },
  };
}
