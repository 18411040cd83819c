import * as z from 'zod';
import { describeType, failInput } from './errors';
import { idempotencyKey } from './hash';
import type { Instant } from './instant';
import { lazy } from './lazy';
import type { Attributes } from './records';
import { zId, zJsonRecord } from './validate';

/**
 * Where an action is delivered: a message on a channel, a webhook, or a task in a CRM (a
 * personal call from a success manager).
 *
 * @category core
 */
export type Channel = 'email' | 'in_app' | 'sms' | 'push' | 'messenger' | 'webhook' | 'crm_task';

/**
 * Every {@link Channel}, in a fixed order.
 *
 * @example
 * CHANNELS.includes('crm_task')
 * //=> true
 *
 * @category core
 */
export const CHANNELS: readonly Channel[] = [
  'email',
  'in_app',
  'sms',
  'push',
  'messenger',
  'webhook',
  'crm_task',
];

/**
 * What to do, as data: a template on a channel with parameters. Definitions (rules, dunning and
 * win-back policies) hold these; the planners turn them into {@link PlannedAction}s.
 *
 * @category core
 */
export interface ActionSpec {
  /** The delivery channel. */
  readonly channel: Channel;
  /** Your template id, e.g. `'cart-delivery-faq'`; rendering is the delivery's job. */
  readonly template: string;
  /** Parameters for the template (JSON). @defaultValue `{}` */
  readonly params?: Attributes;
  /** Higher wins when actions compete for a capped slot. @defaultValue `0` */
  readonly priority?: number;
}

/**
 * Which module and definition planned an action, and which occurrence it answers.
 *
 * @category core
 */
export interface ActionSource {
  /** The planning module. */
  readonly module: 'triggers' | 'lifecycle' | 'scoring' | 'dunning' | 'winback';
  /** The id of the rule, machine or policy. */
  readonly definitionId: string;
  /** The version of that definition when the action was planned. */
  readonly version: number;
  /** What this occurrence is, e.g. the id of the event that fired a rule, or a renewal date. */
  readonly occurrence: string;
  /** The step within the occurrence, e.g. `'reminder-7d'` or `'retry-2'`. @defaultValue `''` */
  readonly step?: string;
}

/**
 * An action planned for one customer at one instant, with a deterministic idempotency key: the
 * unit the engine's outbox stores and the delivery sends.
 *
 * @category core
 */
export interface PlannedAction {
  /** Deterministic idempotency key: the same occurrence always gets the same key. */
  readonly key: string;
  readonly customerId: string;
  readonly channel: Channel;
  readonly template: string;
  readonly params: Attributes;
  readonly priority: number;
  /** When it should be delivered (epoch milliseconds). */
  readonly dueAt: Instant;
  readonly source: ActionSource;
}

/**
 * The zod schema of an {@link ActionSpec}, for definitions that embed actions. Built on first call.
 *
 * @returns The schema.
 *
 * @example
 * actionSpecSchema().parse({ channel: 'email', template: 'welcome' })
 * //=> { channel: 'email', template: 'welcome', params: {}, priority: 0 }
 *
 * @category core
 */
export const actionSpecSchema = /* @__PURE__ */ lazy(
  (): z.ZodType<Required<ActionSpec>, ActionSpec> =>
    z.strictObject({
      channel: z.enum(CHANNELS as [Channel, ...Channel[]]),
      template: zId(),
      params: zJsonRecord().default({}),
      priority: z.number().int().min(-1000).max(1000).default(0),
    }) as unknown as z.ZodType<Required<ActionSpec>, ActionSpec>,
);

/**
 * The idempotency key of an action: a hash of the planning module, the definition id, the
 * customer, the occurrence and the step. The definition's version is left out on purpose, so a
 * rule edited while an action is pending does not plan the same message again under a new key.
 *
 * @param customerId - The customer.
 * @param source - Which definition planned it, and for which occurrence.
 * @returns The key (see {@link idempotencyKey}).
 *
 * @example
 * actionKey('cus_1', { module: 'dunning', definitionId: 'default', version: 3, occurrence: 'inv_7', step: 'retry-1' }) ===
 *   actionKey('cus_1', { module: 'dunning', definitionId: 'default', version: 4, occurrence: 'inv_7', step: 'retry-1' })
 * //=> true
 *
 * @category core
 */
export function actionKey(customerId: string, source: ActionSource): string {
  return idempotencyKey([
    source.module,
    source.definitionId,
    customerId,
    source.occurrence,
    source.step ?? '',
  ]);
}

/**
 * Turns an {@link ActionSpec} into a {@link PlannedAction} for one customer and one occurrence.
 *
 * @param spec - What to do.
 * @param plan - Who, when, and which definition and occurrence it answers.
 * @returns The planned action with its idempotency key.
 * @throws {RetentionInputError} When `dueAt` is not an integer instant or the customer id is empty.
 *
 * @example
 * planAction({ channel: 'email', template: 'card-expiring' }, {
 *   customerId: 'cus_1', dueAt: Date.UTC(2026, 4, 1, 9),
 *   source: { module: 'dunning', definitionId: 'default', version: 1, occurrence: '2026-05', step: 'card-expiry' },
 * }).key.length
 * //=> 36
 *
 * @category core
 */
export function planAction(
  spec: ActionSpec,
  plan: { readonly customerId: string; readonly dueAt: Instant; readonly source: ActionSource },
): PlannedAction {
  if (typeof plan.customerId !== 'string' || plan.customerId === '') {
    failInput(
      { fn: 'planAction', path: ['customerId'], root: 'plan' },
      { code: 'required', path: [] },
    );
  }
  if (!Number.isSafeInteger(plan.dueAt)) {
    failInput(
      { fn: 'planAction', path: ['dueAt'], root: 'plan' },
      { code: 'invalid_instant', path: [], received: describeType(plan.dueAt) },
    );
  }
  return {
    key: actionKey(plan.customerId, plan.source),
    customerId: plan.customerId,
    channel: spec.channel,
    template: spec.template,
    params: spec.params ?? {},
    priority: spec.priority ?? 0,
    dueAt: plan.dueAt,
    source: plan.source,
  };
}
