import * as z from 'zod';
import { type ActionSpec, actionSpecSchema } from '../core/action';
import {
  type CalendarDuration,
  type DurationInput,
  durationToMs,
  type FixedDurationInput,
  parseDuration,
} from '../core/duration';
import { RetentionDefinitionError, type RetentionIssue } from '../core/errors';
import { lazy } from '../core/lazy';
import type { Attributes, BillingInterval } from '../core/records';
import type { TimeOfDay, Weekday } from '../core/schedule';
import { issueParams, parseDefinition, zDuration, zId, zVersion } from '../core/validate';
import type { SoftDeclineReason } from './classifyDecline';
import { compilePolicy, DAY, minPeriodMs, nominalMs, policyIssues } from './policyInternals';

/**
 * How much of the product a customer may use: everything, a restricted part (read-only, no new
 * projects...; what "limited" means is yours to decide), or nothing.
 *
 * @category dunning
 */
export type AccessLevel = 'full' | 'limited' | 'none';

/**
 * What happens to the subscription when dunning fails: cancel it, pause it, keep it but mark
 * it unpaid (Stripe's `unpaid`), or move it to a cheaper plan.
 *
 * @category dunning
 */
export type FinalActionType = 'cancel' | 'pause' | 'mark_unpaid' | 'downgrade';

/**
 * An offset in a retry schedule or before a charge: a fixed duration string (`'1d'`, `'12h'`) or
 * a calendar duration (`{ days: 3 }`). Bare numbers are not accepted here, so that
 * `[1, 3, 5, 7]` cannot be misread as milliseconds: write `['1d', '3d', '5d', '7d']`.
 *
 * @category dunning
 */
export type DunningOffset = Exclude<FixedDurationInput, number> | CalendarDuration;

/**
 * Retry offsets per soft decline reason; `default` serves every reason without its own list.
 *
 * @category dunning
 */
export type RetrySchedules = { readonly default: readonly DunningOffset[] } & {
  readonly [K in SoftDeclineReason]?: readonly DunningOffset[];
};

/**
 * Reminders before a charge: when to send them and what to send.
 *
 * @category dunning
 */
export interface DunningReminderDefinition {
  /**
   * Offsets before the charge, longest first (`['7d', '3d']`). With a `sendAt` time each must be
   * a whole number of days: the reminder goes out at `sendAt` on that local day.
   * @defaultValue `['7d', '3d']`, without the offsets that reach back to the previous charge
   * (`['3d']` for weekly billing; no reminders for daily billing)
   */
  readonly before?: readonly DunningOffset[];
  /** The message. @defaultValue an email, template `'dunning-upcoming-charge'` (pre-charge) or `'dunning-card-expiring'` (card expiry) */
  readonly action?: ActionSpec;
}

/**
 * The retry part of a policy.
 *
 * @category dunning
 */
export interface DunningRetryDefinition {
  /**
   * Offsets after the failed charge at which to retry, increasing (`['1d', '3d', '5d', '7d']`),
   * or one list per soft decline reason with a `default` list.
   */
  readonly schedule: readonly DunningOffset[] | RetrySchedules;
  /**
   * Most automatic retries after one failed charge (Stripe's "tries", Chargebee's and Recurly's
   * "retry attempts"): the failed charge itself is not counted, nor are retries the customer
   * triggers by updating the card. @defaultValue the length of the longest schedule
   */
  readonly maxRetries?: number;
  /**
   * Every retry happens within this time after the failed charge. It must end before the next
   * billing period of the policy's `billing` interval; `defineDunningPolicy` checks it.
   */
  readonly window: DurationInput;
  /**
   * Local time of day of retries, `'HH:mm'`, in the customer's time zone; offsets must then be
   * whole days (a retry `'2d'` after a failure runs two local days later at this time).
   * @defaultValue the exact offset after the failure
   */
  readonly at?: TimeOfDay | null;
  /** Move retries off weekends and holidays (to the next business day, same local time). @defaultValue no alignment */
  readonly businessDays?: {
    /** @defaultValue `[0, 6]` (Sunday and Saturday) */
    readonly weekend?: readonly Weekday[];
    /** Local dates, `'YYYY-MM-DD'`. @defaultValue `[]` */
    readonly holidays?: readonly string[];
  } | null;
  /** The action that asks your billing system to charge again. @defaultValue a webhook, template `'dunning-retry-charge'` */
  readonly action?: ActionSpec;
}

/**
 * A named stage of an overdue ladder, after Kill Bill's overdue states: from `after` (counted
 * from the first failed charge still unpaid) on, the customer has `access`.
 *
 * @category dunning
 */
export interface DunningStageDefinition {
  /** A name such as `'warning'` or `'blocked'`, unique in the policy. */
  readonly name: string;
  /** When the stage starts, after the first unpaid failure (`'0d'`, `'10d'`). */
  readonly after: DurationInput;
  /** Access from this stage on. */
  readonly access: AccessLevel;
  /** The action that tells your system about the stage. @defaultValue a webhook, template `'dunning-stage-changed'` */
  readonly action?: ActionSpec;
}

/**
 * The end of a failed campaign.
 *
 * @category dunning
 */
export interface DunningFinalActionDefinition {
  readonly type: FinalActionType;
  /** When, after the first unpaid failure; at least the retry window. @defaultValue the retry window */
  readonly after?: DurationInput;
  /** The plan to move to; required for `'downgrade'` and only allowed there. */
  readonly plan?: string | null;
  /** Access after the final action. @defaultValue `'full'` for a downgrade, `'none'` otherwise */
  readonly access?: AccessLevel;
  /** How long before the final action the final notice goes out. @defaultValue `'3d'` (`'1d'` or `'1h'` when the final action comes sooner) */
  readonly noticeBefore?: DurationInput;
  /** The action that tells your system to carry it out. @defaultValue a webhook, template `'dunning-final-action'` */
  readonly action?: ActionSpec;
}

/**
 * The customer messages of a campaign. Leave one out for its default email, or set it to `false`
 * to send none.
 *
 * @category dunning
 */
export interface DunningMessagesDefinition {
  /** After the first failed charge. @defaultValue email `'dunning-payment-failed'` */
  readonly paymentFailed?: ActionSpec | false;
  /** After a failure only the customer can fix (hard or update-required). @defaultValue email `'dunning-update-payment-method'` */
  readonly actionRequired?: ActionSpec | false;
  /** Before the last automatic retry. @defaultValue email `'dunning-last-attempt'` */
  readonly lastAttempt?: ActionSpec | false;
  /** `finalAction.noticeBefore` before the final action. @defaultValue email `'dunning-final-notice'` */
  readonly finalNotice?: ActionSpec | false;
  /** After the amount is paid. @defaultValue email `'dunning-payment-recovered'` */
  readonly recovered?: ActionSpec | false;
}

/**
 * A dunning policy as plain JSON: reminders before charges, retries after a failed one, access
 * while it is unpaid, and the final action. Validate it with {@link defineDunningPolicy}.
 *
 * @category dunning
 */
export interface DunningPolicyDefinition {
  readonly id: string;
  readonly version: number;
  /**
   * The billing period the policy is written for. The retry window must end before the next
   * period, which `defineDunningPolicy` checks against the shortest such period (28 days for
   * monthly billing), and `planDunning` refuses a subscription that bills more often.
   */
  readonly billing: { readonly interval: BillingInterval; readonly intervalCount?: number };
  /**
   * The link where the customer updates payment details. `{customerId}` and `{subscriptionId}`
   * are replaced (URL-encoded); `planDunning`'s `updatePaymentUrl` option overrides it (for a
   * signed link). Every customer message carries it as the `updatePaymentUrl` parameter.
   */
  readonly updatePaymentUrl: string;
  /** Local time of day of customer messages, in the customer's time zone; `null` sends them at once. @defaultValue `'10:00'` */
  readonly sendAt?: TimeOfDay | null;
  readonly reminders?: {
    /** Before each renewal charge. @defaultValue 7 and 3 days before */
    readonly preCharge?: DunningReminderDefinition | false;
    /** Instead of the pre-charge reminders when the card on file expires before the charge. @defaultValue 7 and 3 days before */
    readonly cardExpiry?: DunningReminderDefinition | false;
  };
  readonly retries: DunningRetryDefinition;
  /** Full access for this long after the first failure, whatever `access` says. @defaultValue `'0d'` */
  readonly gracePeriod?: DurationInput;
  /** Access while a payment is overdue, after the grace period and outside any stage. @defaultValue `'full'` */
  readonly access?: AccessLevel;
  /** An overdue ladder; each stage sets the access from its offset on. @defaultValue `[]` */
  readonly stages?: readonly DunningStageDefinition[];
  readonly finalAction: DunningFinalActionDefinition;
  readonly messages?: DunningMessagesDefinition;
}

/**
 * An {@link ActionSpec} with every default filled in.
 *
 * @category dunning
 */
export interface ResolvedActionSpec extends ActionSpec {
  readonly params: Attributes;
  readonly priority: number;
}

/**
 * A validated dunning policy: the definition with every default filled in, still plain JSON
 * (store it, diff it, send it to an admin UI). Made by {@link defineDunningPolicy}.
 *
 * @category dunning
 */
export interface DunningPolicy {
  readonly id: string;
  readonly version: number;
  readonly billing: { readonly interval: BillingInterval; readonly intervalCount: number };
  readonly updatePaymentUrl: string;
  readonly sendAt: TimeOfDay | null;
  readonly reminders: {
    readonly preCharge:
      | { readonly before: readonly DunningOffset[]; readonly action: ResolvedActionSpec }
      | false;
    readonly cardExpiry:
      | { readonly before: readonly DunningOffset[]; readonly action: ResolvedActionSpec }
      | false;
  };
  readonly retries: {
    readonly schedule: RetrySchedules;
    readonly maxRetries: number;
    readonly window: DurationInput;
    readonly at: TimeOfDay | null;
    readonly businessDays: {
      readonly weekend: readonly Weekday[];
      readonly holidays: readonly string[];
    } | null;
    readonly action: ResolvedActionSpec;
  };
  readonly gracePeriod: DurationInput;
  readonly access: AccessLevel;
  readonly stages: readonly {
    readonly name: string;
    readonly after: DurationInput;
    readonly access: AccessLevel;
    readonly action: ResolvedActionSpec;
  }[];
  readonly finalAction: {
    readonly type: FinalActionType;
    readonly after: DurationInput;
    readonly plan: string | null;
    readonly access: AccessLevel;
    readonly noticeBefore: DurationInput;
    readonly action: ResolvedActionSpec;
  };
  readonly messages: {
    readonly paymentFailed: ResolvedActionSpec | false;
    readonly actionRequired: ResolvedActionSpec | false;
    readonly lastAttempt: ResolvedActionSpec | false;
    readonly finalNotice: ResolvedActionSpec | false;
    readonly recovered: ResolvedActionSpec | false;
  };
}

const ACCESS = ['full', 'limited', 'none'] as const;
const INTERVALS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const SOFT_REASONS = ['insufficient_funds', 'temporary', 'generic', 'unknown'] as const;

const email = (template: string): ResolvedActionSpec => ({
  channel: 'email',
  template,
  params: {},
  priority: 0,
});
const webhook = (template: string): ResolvedActionSpec => ({
  channel: 'webhook',
  template,
  params: {},
  priority: 0,
});

const schema = /* @__PURE__ */ lazy(() => {
  const time = z
    .string()
    .refine(
      (t) => TIME_RE.test(t),
      issueParams('invalid_value', { expected: "a time of day 'HH:mm' from '00:00' to '23:59'" }),
    );
  const offset = zDuration().refine(
    (d) => typeof d !== 'number',
    issueParams('invalid_duration', {
      expected: "a duration such as '1d' or { days: 1 } (a bare number would be milliseconds)",
    }),
  ) as unknown as z.ZodType<DunningOffset, DunningOffset>;
  const offsets = z.array(offset).min(1).max(64);
  const action = actionSpecSchema();
  const reminder = z.union([
    z.literal(false),
    z.strictObject({ before: offsets.optional(), action: action.optional() }),
  ]);
  const message = z.union([z.literal(false), action]).optional();
  const schedules = z.strictObject({
    default: offsets,
    insufficient_funds: offsets.optional(),
    temporary: offsets.optional(),
    generic: offsets.optional(),
    unknown: offsets.optional(),
  });
  return z.strictObject({
    id: zId(),
    version: zVersion(),
    billing: z.strictObject({
      interval: z.enum(INTERVALS),
      intervalCount: z.number().int().min(1).max(1000).optional(),
    }),
    updatePaymentUrl: z.string().min(1).max(2048),
    sendAt: z.union([time, z.null()]).optional(),
    reminders: z
      .strictObject({ preCharge: reminder.optional(), cardExpiry: reminder.optional() })
      .optional(),
    retries: z.strictObject({
      schedule: z.union([offsets, schedules]),
      maxRetries: z.number().int().min(1).max(100).optional(),
      window: zDuration(),
      at: time.nullable().optional(),
      businessDays: z
        .strictObject({
          weekend: z.array(z.number().int().min(0).max(6)).max(6).optional(),
          holidays: z
            .array(
              z
                .string()
                .refine(
                  isIsoDate,
                  issueParams('invalid_value', { expected: "a date 'YYYY-MM-DD'" }),
                ),
            )
            .max(1000)
            .optional(),
        })
        .nullable()
        .optional(),
      action: action.optional(),
    }),
    gracePeriod: zDuration().optional(),
    access: z.enum(ACCESS).optional(),
    stages: z
      .array(
        z.strictObject({
          name: zId(),
          after: zDuration(),
          access: z.enum(ACCESS),
          action: action.optional(),
        }),
      )
      .max(20)
      .optional(),
    finalAction: z.strictObject({
      type: z.enum(['cancel', 'pause', 'mark_unpaid', 'downgrade']),
      after: zDuration().optional(),
      plan: z.string().min(1).max(256).nullable().optional(),
      access: z.enum(ACCESS).optional(),
      noticeBefore: zDuration().optional(),
      action: action.optional(),
    }),
    messages: z
      .strictObject({
        paymentFailed: message,
        actionRequired: message,
        lastAttempt: message,
        finalNotice: message,
        recovered: message,
      })
      .optional(),
  });
});

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

type Parsed = z.output<ReturnType<typeof schema>>;

function resolve(d: Parsed): DunningPolicy {
  type ReminderInput = NonNullable<Parsed['reminders']>['preCharge'];
  // the default 7 and 3 days, without those that would reach back to the previous charge
  const shortest = minPeriodMs(d.billing.interval, d.billing.intervalCount ?? 1);
  const defaultBefore = (['7d', '3d'] as const).filter(
    (o) => Number.parseInt(o, 10) * DAY < shortest,
  );
  const reminder = (
    r: ReminderInput,
    template: string,
  ): DunningPolicy['reminders']['preCharge'] => {
    if (r === false || (r?.before === undefined && defaultBefore.length === 0)) return false;
    return {
      before: r?.before ?? defaultBefore,
      action: (r?.action as ResolvedActionSpec | undefined) ?? email(template),
    };
  };
  const message = (m: ActionSpec | false | undefined, template: string) =>
    m === false ? false : ((m as ResolvedActionSpec | undefined) ?? email(template));
  const schedule: RetrySchedules = Array.isArray(d.retries.schedule)
    ? { default: d.retries.schedule }
    : (d.retries.schedule as RetrySchedules);
  const longest = Math.max(
    ...[schedule.default, ...SOFT_REASONS.map((r) => schedule[r] ?? [])].map((s) => s.length),
  );
  const type = d.finalAction.type;
  // the final notice goes 3 days before the final action, or 1 day, or 1 hour when it comes sooner
  const afterMs = nominalMs(parseDuration(d.finalAction.after ?? d.retries.window));
  const defaultNotice =
    (['3d', '1d', '1h'] as const).find((o) => durationToMs(o) < afterMs) ?? '1h';
  return {
    id: d.id,
    version: d.version,
    billing: { interval: d.billing.interval, intervalCount: d.billing.intervalCount ?? 1 },
    updatePaymentUrl: d.updatePaymentUrl,
    sendAt: d.sendAt === undefined ? '10:00' : d.sendAt,
    reminders: {
      preCharge: reminder(d.reminders?.preCharge, 'dunning-upcoming-charge'),
      cardExpiry: reminder(d.reminders?.cardExpiry, 'dunning-card-expiring'),
    },
    retries: {
      schedule,
      maxRetries: d.retries.maxRetries ?? longest,
      window: d.retries.window,
      at: d.retries.at ?? null,
      businessDays:
        d.retries.businessDays === undefined || d.retries.businessDays === null
          ? null
          : {
              weekend: (d.retries.businessDays.weekend as Weekday[] | undefined) ?? [0, 6],
              holidays: d.retries.businessDays.holidays ?? [],
            },
      action:
        (d.retries.action as ResolvedActionSpec | undefined) ?? webhook('dunning-retry-charge'),
    },
    gracePeriod: d.gracePeriod ?? '0d',
    access: d.access ?? 'full',
    stages: (d.stages ?? []).map((s) => ({
      name: s.name,
      after: s.after,
      access: s.access,
      action: (s.action as ResolvedActionSpec | undefined) ?? webhook('dunning-stage-changed'),
    })),
    finalAction: {
      type,
      after: d.finalAction.after ?? d.retries.window,
      plan: d.finalAction.plan ?? null,
      access: d.finalAction.access ?? (type === 'downgrade' ? 'full' : 'none'),
      noticeBefore: d.finalAction.noticeBefore ?? defaultNotice,
      action:
        (d.finalAction.action as ResolvedActionSpec | undefined) ?? webhook('dunning-final-action'),
    },
    messages: {
      paymentFailed: message(d.messages?.paymentFailed, 'dunning-payment-failed'),
      actionRequired: message(d.messages?.actionRequired, 'dunning-update-payment-method'),
      lastAttempt: message(d.messages?.lastAttempt, 'dunning-last-attempt'),
      finalNotice: message(d.messages?.finalNotice, 'dunning-final-notice'),
      recovered: message(d.messages?.recovered, 'dunning-payment-recovered'),
    },
  };
}

/**
 * Validates a dunning policy and fills in its defaults. Besides the shape of every field, it
 * checks that the policy can work: retry offsets increase and fit in the window; the window ends
 * before the next billing period of the policy's `billing` interval (so no retry can run into
 * the next charge); the final action comes no earlier than the window; stages are in order and
 * before the final action; reminders are whole days (when sent at a local time), longest first,
 * and shorter than a billing period; a downgrade names its plan.
 *
 * @param definition - The policy as plain JSON.
 * @returns The policy with defaults filled in, ready for {@link planDunning}.
 * @throws {RetentionDefinitionError} With every issue and its path inside the definition.
 *
 * @example
 * const policy = defineDunningPolicy({
 *   id: 'standard', version: 1,
 *   billing: { interval: 'month' },
 *   updatePaymentUrl: 'https://example.com/billing',
 *   retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
 *   finalAction: { type: 'cancel' },
 * });
 * [policy.retries.maxRetries, policy.reminders.preCharge && policy.reminders.preCharge.before, policy.finalAction.after]
 * //=> [4, ['7d', '3d'], '14d']
 *
 * @example
 * defineDunningPolicy({
 *   id: 'too-long', version: 1,
 *   billing: { interval: 'month' },
 *   updatePaymentUrl: 'https://example.com/billing',
 *   retries: { schedule: ['1d', '10d'], window: '30d' },
 *   finalAction: { type: 'cancel' },
 * })
 * //=> throws 'defineDunningPolicy: definition.retries.window is out of range: the retry window must end before the next billing period...'
 *
 * @category dunning
 */
export function defineDunningPolicy(definition: DunningPolicyDefinition): DunningPolicy {
  const fn = 'defineDunningPolicy';
  const parsed = parseDefinition(schema(), definition, fn);
  const policy = resolve(parsed);
  const issues: RetentionIssue[] = policyIssues(policy, {
    scheduleIsList: Array.isArray(parsed.retries.schedule),
    finalAfterGiven: parsed.finalAction.after !== undefined,
  });
  if (issues.length > 0) throw new RetentionDefinitionError(fn, issues);
  compilePolicy(policy);
  return policy;
}
