import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { RetentionDefinitionError } from '../core/errors';
import { type DunningPolicyDefinition, defineDunningPolicy } from './defineDunningPolicy';

const minimal: DunningPolicyDefinition = {
  id: 'standard',
  version: 1,
  billing: { interval: 'month' },
  updatePaymentUrl: 'https://example.com/billing',
  retries: { schedule: ['1d', '3d', '5d', '7d'], window: '14d' },
  finalAction: { type: 'cancel' },
};

/** The issues a definition raises; `[]` when it is valid. */
function issuesOf(definition: unknown) {
  try {
    defineDunningPolicy(definition as DunningPolicyDefinition);
  } catch (error) {
    if (error instanceof RetentionDefinitionError) return error.issues;
    throw error;
  }
  return [];
}

const paths = (definition: unknown) => issuesOf(definition).map((i) => i.path.join('.'));

describe('defineDunningPolicy', () => {
  it('fills in every default', () => {
    expect(defineDunningPolicy(minimal)).toEqual({
      id: 'standard',
      version: 1,
      billing: { interval: 'month', intervalCount: 1 },
      updatePaymentUrl: 'https://example.com/billing',
      sendAt: '10:00',
      reminders: {
        preCharge: {
          before: ['7d', '3d'],
          action: {
            channel: 'email',
            template: 'dunning-upcoming-charge',
            params: {},
            priority: 0,
          },
        },
        cardExpiry: {
          before: ['7d', '3d'],
          action: { channel: 'email', template: 'dunning-card-expiring', params: {}, priority: 0 },
        },
      },
      retries: {
        schedule: { default: ['1d', '3d', '5d', '7d'] },
        maxRetries: 4,
        window: '14d',
        at: null,
        businessDays: null,
        action: { channel: 'webhook', template: 'dunning-retry-charge', params: {}, priority: 0 },
      },
      gracePeriod: '0d',
      access: 'full',
      stages: [],
      finalAction: {
        type: 'cancel',
        after: '14d',
        plan: null,
        access: 'none',
        noticeBefore: '3d',
        action: { channel: 'webhook', template: 'dunning-final-action', params: {}, priority: 0 },
      },
      messages: {
        paymentFailed: {
          channel: 'email',
          template: 'dunning-payment-failed',
          params: {},
          priority: 0,
        },
        actionRequired: {
          channel: 'email',
          template: 'dunning-update-payment-method',
          params: {},
          priority: 0,
        },
        lastAttempt: {
          channel: 'email',
          template: 'dunning-last-attempt',
          params: {},
          priority: 0,
        },
        finalNotice: {
          channel: 'email',
          template: 'dunning-final-notice',
          params: {},
          priority: 0,
        },
        recovered: {
          channel: 'email',
          template: 'dunning-payment-recovered',
          params: {},
          priority: 0,
        },
      },
    });
  });

  it('is pure, JSON-serialisable, and accepts its own output (a stored policy reads back the same)', () => {
    const policy = assertPure(defineDunningPolicy, minimal);
    const stored = JSON.parse(JSON.stringify(policy)) as DunningPolicyDefinition;
    expect(defineDunningPolicy(stored)).toEqual(policy);
  });

  it('keeps what the definition says', () => {
    const policy = defineDunningPolicy({
      ...minimal,
      sendAt: null,
      reminders: { preCharge: false, cardExpiry: { before: ['14d'] } },
      retries: {
        schedule: { default: ['1d', '3d'], insufficient_funds: ['2d', '6d', '10d'] },
        maxRetries: 2,
        window: '12d',
        at: '09:30',
        businessDays: { holidays: ['2026-12-25'] },
      },
      stages: [
        { name: 'warning', after: '0d', access: 'full' },
        { name: 'blocked', after: '10d', access: 'none' },
      ],
      finalAction: { type: 'downgrade', plan: 'free', after: '20d' },
      messages: { lastAttempt: false },
    });
    expect(policy.reminders.preCharge).toBe(false);
    expect(policy.retries.businessDays).toEqual({ weekend: [0, 6], holidays: ['2026-12-25'] });
    expect(policy.finalAction).toMatchObject({ type: 'downgrade', plan: 'free', access: 'full' });
    expect(policy.messages.lastAttempt).toBe(false);
    expect(policy.retries.maxRetries).toBe(2);
  });

  it('reports every issue with its exact path', () => {
    expect(
      paths({
        ...minimal,
        id: '',
        billing: { interval: 'fortnight' },
        retries: { schedule: [], window: 'soon', extra: true },
        finalAction: { type: 'explode' },
      }),
    ).toEqual([
      'id',
      'billing.interval',
      'retries.schedule',
      'retries.window',
      'retries.extra',
      'finalAction.type',
    ]);
  });

  it('rejects bare numbers in a schedule, which would be milliseconds', () => {
    expect(() =>
      defineDunningPolicy({ ...minimal, retries: { schedule: [1, 3] as never, window: '14d' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineDunningPolicy: definition.retries.schedule[0] is not a valid duration (expected a duration such as '1d' or { days: 1 } (a bare number would be milliseconds); received integer) (and 1 more issue(s))]`,
    );
  });

  it('refuses a retry window that runs into the next billing period', () => {
    expect(() =>
      defineDunningPolicy({ ...minimal, retries: { schedule: ['1d'], window: '28d' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineDunningPolicy: definition.retries.window is out of range: the retry window must end before the next billing period (the shortest month period of this policy is 28 days) (expected less than 28 days)]`,
    );
    // 27 days fit a month (28 days and an hour for daylight saving is the shortest month)
    expect(() =>
      defineDunningPolicy({ ...minimal, retries: { schedule: ['1d'], window: '27d' } }),
    ).not.toThrow();
    // { days: 27 } can last 27 days and an hour: still inside
    expect(() =>
      defineDunningPolicy({ ...minimal, retries: { schedule: ['1d'], window: { days: 27 } } }),
    ).not.toThrow();
    expect(
      paths({
        ...minimal,
        billing: { interval: 'week' },
        retries: { schedule: ['1d'], window: '7d' },
      }),
    ).toEqual(['retries.window']);
    // the default reminders keep to what fits the period
    const weekly = defineDunningPolicy({
      ...minimal,
      billing: { interval: 'week' },
      retries: { schedule: ['1d'], window: '6d' },
    });
    expect(weekly.reminders.preCharge).toMatchObject({ before: ['3d'] });
    const daily = defineDunningPolicy({
      ...minimal,
      billing: { interval: 'day' },
      retries: { schedule: ['6h'], window: '12h' },
    });
    expect(daily.reminders).toEqual({ preCharge: false, cardExpiry: false });
    expect(
      paths({
        ...minimal,
        billing: { interval: 'week' },
        reminders: { preCharge: { before: ['7d'] } },
      }),
    ).toEqual(['retries.window', 'reminders.preCharge.before.0']);
    expect(
      paths({
        ...minimal,
        billing: { interval: 'week', intervalCount: 2 },
        retries: { schedule: ['1d'], window: '13d' },
      }),
    ).toEqual([]);
    expect(
      paths({
        ...minimal,
        billing: { interval: 'year' },
        retries: { schedule: ['1d'], window: '60d' },
      }),
    ).toEqual([]);
  });

  it('checks retry offsets: positive, increasing, inside the window, whole days at a local time', () => {
    expect(
      issuesOf({ ...minimal, retries: { schedule: ['0d', '3d', '2d', '20d'], window: '14d' } }).map(
        (i) => [i.path.join('.'), i.code],
      ),
    ).toEqual([
      ['retries.schedule.0', 'out_of_range'],
      ['retries.schedule.2', 'order'],
      ['retries.schedule.3', 'out_of_range'],
    ]);
    expect(
      paths({
        ...minimal,
        retries: {
          schedule: { default: ['1d'], temporary: ['12h', '1d'] },
          window: '14d',
          at: '09:00',
        },
      }),
    ).toEqual(['retries.schedule.temporary.0']);
    expect(paths({ ...minimal, retries: { schedule: [{ months: 1 }], window: '14d' } })).toEqual([
      'retries.schedule.0',
    ]);
  });

  it('checks reminders, stages, the final action and the grace period against each other', () => {
    expect(
      issuesOf({
        ...minimal,
        reminders: { preCharge: { before: ['3d', '7d'] }, cardExpiry: { before: ['40d', '36h'] } },
        gracePeriod: '30d',
        stages: [
          { name: 'blocked', after: '10d', access: 'none' },
          { name: 'blocked', after: '5d', access: 'limited' },
          { name: 'late', after: '20d', access: 'none' },
        ],
        finalAction: { type: 'downgrade', after: '12d', noticeBefore: '12d' },
      }).map((i) => [i.path.join('.'), i.code]),
    ).toEqual([
      ['reminders.preCharge.before.1', 'order'],
      ['reminders.cardExpiry.before.0', 'out_of_range'],
      ['reminders.cardExpiry.before.1', 'invalid_value'],
      ['finalAction.after', 'out_of_range'],
      ['finalAction.noticeBefore', 'out_of_range'],
      ['gracePeriod', 'out_of_range'],
      ['finalAction.plan', 'required'],
      ['stages.1.name', 'duplicate'],
      ['stages.1.after', 'order'],
      ['stages.2.after', 'out_of_range'],
    ]);
    expect(paths({ ...minimal, finalAction: { type: 'cancel', plan: 'free' } })).toEqual([
      'finalAction.plan',
    ]);
  });

  it('checks business days and times of day', () => {
    expect(
      paths({
        ...minimal,
        sendAt: '24:00',
        retries: {
          ...minimal.retries,
          at: '9:00',
          businessDays: { weekend: [6, 6], holidays: ['2026-02-30'] },
        },
      }),
    ).toEqual(['sendAt', 'retries.at', 'retries.businessDays.holidays.0']);
    expect(
      paths({ ...minimal, retries: { ...minimal.retries, businessDays: { weekend: [6, 6] } } }),
    ).toEqual(['retries.businessDays.weekend.1']);
  });

  it('says what a message of each kind looks like', () => {
    expect(() =>
      defineDunningPolicy({ ...minimal, finalAction: { type: 'cancel', after: '10d' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineDunningPolicy: definition.finalAction.after is out of range: the final action must not come before the end of the retry window]`,
    );
    expect(() =>
      defineDunningPolicy({
        ...minimal,
        messages: { paymentFailed: { channel: 'fax', template: 't' } },
      } as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineDunningPolicy: definition.messages.paymentFailed.channel is not one of the allowed values (expected one of "email", "in_app", "sms", "push", "messenger", "webhook", "crm_task")]`,
    );
  });
});
