/**
 * How events move campaigns: a pure reducer over the campaigns of one subscription. Internal to
 * the dunning module.
 */
import { type Duration, shiftByDuration } from '../core/duration';
import { RetentionError } from '../core/errors';
import type { Instant } from '../core/instant';
import { classifyDecline } from './classifyDecline';
import type {
  DunningCampaign,
  NormalizedEvent,
  PaymentFailedEvent,
  PaymentSucceededEvent,
  PlanContext,
} from './planDunning';
import type { CompiledPolicy } from './policyInternals';

type At<E> = Omit<E, 'at'> & { readonly at: Instant };

/** The policy a campaign follows: the current one, or an earlier version passed in. */
export function policyFor(ctx: PlanContext, campaign: DunningCampaign): CompiledPolicy {
  const current = ctx.current;
  if (campaign.policyId === current.id && campaign.policyVersion === current.version)
    return current;
  for (const c of ctx.earlier)
    if (campaign.policyId === c.id && campaign.policyVersion === c.version) return c;
  throw new RetentionError(
    'unknown_version',
    `${ctx.fn}: a campaign follows policy '${campaign.policyId}' version ${campaign.policyVersion}, which is neither the policy passed nor in options.policies`,
  );
}

/** The length of one billing period of the subscription, as a calendar duration. */
function period(ctx: PlanContext, k: number): Duration {
  const n = ctx.sub.intervalCount * k;
  const unit = ctx.sub.interval;
  return {
    kind: 'calendar',
    years: unit === 'year' ? n : 0,
    months: unit === 'month' ? n : unit === 'quarter' ? 3 * n : 0,
    weeks: unit === 'week' ? n : 0,
    days: unit === 'day' ? n : 0,
    hours: 0,
    minutes: 0,
    seconds: 0,
  };
}

/**
 * The first scheduled charge after `t`: the subscription's `currentPeriodEnd` when it is later,
 * otherwise that date moved on by whole billing periods (calendar arithmetic in UTC, counted from
 * `currentPeriodEnd` so months do not drift).
 */
export function nextChargeAfter(ctx: PlanContext, t: Instant): Instant {
  const c = ctx.sub.currentPeriodEnd;
  if (c > t) return c;
  // a lower bound on the number of periods, then step (a period is at least 23 hours)
  let k = Math.max(1, Math.floor((t - c) / (ctx.sub.intervalCount * 367 * 86_400_000)));
  let next = shiftByDuration(c, period(ctx, k), 1, 'UTC');
  while (next <= t) {
    k++;
    next = shiftByDuration(c, period(ctx, k), 1, 'UTC');
  }
  return next;
}

function deadlines(
  ctx: PlanContext,
  p: CompiledPolicy,
  startedAt: Instant,
  chargeFailedAt: Instant,
  nextChargeAt: Instant,
  notBefore: Instant,
): { windowEnd: Instant; finalActionAt: Instant } {
  const windowEnd = Math.min(
    shiftByDuration(chargeFailedAt, p.window, 1, ctx.timeZone),
    nextChargeAt,
  );
  const finalActionAt = Math.max(
    shiftByDuration(startedAt, p.final.after, 1, ctx.timeZone),
    notBefore,
  );
  return { windowEnd, finalActionAt };
}

function open(ctx: PlanContext, e: At<PaymentFailedEvent>): DunningCampaign {
  const p = ctx.current;
  const cls = classifyDecline(e.declineCode);
  const nextChargeAt = nextChargeAfter(ctx, e.at);
  const { windowEnd, finalActionAt } = deadlines(ctx, p, e.at, e.at, nextChargeAt, e.at);
  return {
    id: `${ctx.sub.id}:${e.currency}:${e.invoiceId ?? e.at}`,
    currency: e.currency,
    policyId: p.id,
    policyVersion: p.version,
    status: 'open',
    startedAt: e.at,
    finalActionAt,
    closedAt: null,
    recoveredBy: null,
    amountFailed: e.amount,
    amountDue: e.amount,
    recoveredByRetries: 0,
    recoveredByCustomer: 0,
    invoiceIds: e.invoiceId === undefined ? [] : [e.invoiceId],
    charge: 1,
    round: 1,
    chargeFailedAt: e.at,
    anchorAt: e.at,
    windowEnd,
    nextChargeAt,
    attempts: [
      { at: e.at, by: 'charge', round: 1, code: cls.code, class: cls.class, reason: cls.reason },
    ],
    updates: 0,
    retryOnUpdateAt: null,
  };
}

function failed(ctx: PlanContext, c: DunningCampaign, e: At<PaymentFailedEvent>): DunningCampaign {
  const cls = classifyDecline(e.declineCode);
  const known = c.invoiceIds.length > 0 && e.invoiceId !== undefined;
  const newCharge = known ? !c.invoiceIds.includes(e.invoiceId!) : e.at >= c.nextChargeAt;
  if (!newCharge) {
    return {
      ...c,
      attempts: [
        ...c.attempts,
        {
          at: e.at,
          by: c.retryOnUpdateAt === null ? 'retry' : 'customer',
          round: c.round,
          code: cls.code,
          class: cls.class,
          reason: cls.reason,
        },
      ],
      retryOnUpdateAt: null,
    };
  }
  // Another invoice failed while this one is unpaid: one campaign owes both, its stages and final
  // action still count from the oldest failure, and the new charge gets a retry round of its own.
  const p = policyFor(ctx, c);
  const nextChargeAt = nextChargeAfter(ctx, e.at);
  const round = c.round + 1;
  const { windowEnd } = deadlines(ctx, p, c.startedAt, e.at, nextChargeAt, e.at);
  return {
    ...c,
    amountFailed: c.amountFailed + e.amount,
    amountDue: c.amountDue + e.amount,
    invoiceIds: e.invoiceId === undefined ? c.invoiceIds : [...c.invoiceIds, e.invoiceId],
    charge: c.charge + 1,
    round,
    chargeFailedAt: e.at,
    anchorAt: e.at,
    windowEnd,
    nextChargeAt,
    attempts: [
      { at: e.at, by: 'charge', round, code: cls.code, class: cls.class, reason: cls.reason },
    ],
    retryOnUpdateAt: null,
  };
}

function succeeded(c: DunningCampaign, e: At<PaymentSucceededEvent>): DunningCampaign {
  if (e.invoiceId !== undefined && c.invoiceIds.length > 0 && !c.invoiceIds.includes(e.invoiceId))
    return c; // a payment of another invoice (a later renewal) does not pay this one
  const by = e.initiatedBy ?? (c.retryOnUpdateAt === null ? 'retry' : 'customer');
  const paid = Math.min(e.amount, c.amountDue);
  const due = c.amountDue - paid;
  const paidBy = {
    recoveredByRetries: c.recoveredByRetries + (by === 'retry' ? paid : 0),
    recoveredByCustomer: c.recoveredByCustomer + (by === 'customer' ? paid : 0),
  };
  if (due === 0)
    return {
      ...c,
      ...paidBy,
      amountDue: 0,
      status: 'recovered',
      closedAt: e.at,
      recoveredBy: by,
      retryOnUpdateAt: null,
    };
  return {
    ...c,
    ...paidBy,
    amountDue: due,
    round: c.round + 1,
    anchorAt: e.at,
    retryOnUpdateAt: null,
  };
}

/** Closes the open campaigns whose final action is due at `t`. */
function closeDue(
  campaigns: readonly DunningCampaign[],
  t: Instant,
  closed: DunningCampaign[],
): readonly DunningCampaign[] {
  let out: DunningCampaign[] | null = null;
  for (let i = 0; i < campaigns.length; i++) {
    const c = campaigns[i]!;
    if (c.status !== 'open' || c.finalActionAt > t) continue;
    out ??= campaigns.slice();
    const done: DunningCampaign = {
      ...c,
      status: 'final_action',
      closedAt: c.finalActionAt,
      retryOnUpdateAt: null,
    };
    out[i] = done;
    closed.push(done);
  }
  return out ?? campaigns;
}

/** Replaces (or adds) the campaign of a currency, keeping the list sorted by currency. */
function put(campaigns: readonly DunningCampaign[], c: DunningCampaign): DunningCampaign[] {
  const out = campaigns.filter((x) => x.currency !== c.currency);
  out.push(c);
  out.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return out;
}

/**
 * Applies events in order, closing campaigns whose final action comes due on the way and at
 * `now`. Campaigns that close are appended to `closed`.
 */
export function applyEvents(
  ctx: PlanContext,
  initial: readonly DunningCampaign[],
  events: readonly NormalizedEvent[],
  closed: DunningCampaign[],
): readonly DunningCampaign[] {
  let campaigns = initial;
  for (const e of events) {
    campaigns = closeDue(campaigns, e.at, closed);
    let current: DunningCampaign | undefined;
    if ('currency' in e) for (const c of campaigns) if (c.currency === e.currency) current = c;
    const live = current !== undefined && current.status === 'open' ? current : undefined;
    switch (e.type) {
      case 'payment_failed':
        campaigns = put(campaigns, live !== undefined ? failed(ctx, live, e) : open(ctx, e));
        break;
      case 'payment_succeeded':
        if (live !== undefined) {
          const next = succeeded(live, e);
          if (next.status === 'recovered') closed.push(next);
          campaigns = put(campaigns, next);
        }
        break;
      case 'payment_method_updated':
        campaigns = campaigns.map((c) =>
          c.status === 'open' ? { ...c, updates: c.updates + 1, retryOnUpdateAt: e.at } : c,
        );
        break;
      case 'policy_migrated': {
        const p = ctx.current;
        campaigns = campaigns.map((c) => {
          if (c.status !== 'open' || (e.currency !== undefined && c.currency !== e.currency))
            return c;
          const { windowEnd, finalActionAt } = deadlines(
            ctx,
            p,
            c.startedAt,
            c.chargeFailedAt,
            c.nextChargeAt,
            e.at,
          );
          return { ...c, policyId: p.id, policyVersion: p.version, windowEnd, finalActionAt };
        });
        break;
      }
    }
  }
  return closeDue(campaigns, ctx.now, closed);
}
