/**
 * The documented errors the behaviour tests beside each primitive do not reach: each throws a
 * RetentionInputError naming the function and the path, never the value.
 */
import { describe, expect, it } from 'vitest';
import { RetentionInputError } from '../core/errors';
import type { ActivityEvent } from '../core/records';
import { updateActivityHistory } from './activityHistory';
import { calibrationTable } from './evaluation';
import { explainChurn, fitChurnModel } from './fitChurnModel';
import { failedPaymentsSignal, ignoredEmailsSignal } from './riskSignals';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const asOf = T0 + 60 * DAY;
const ev = (type: string, day: number): ActivityEvent => ({
  id: `${type}-${day}`,
  customerId: 'c',
  type,
  at: T0 + day * DAY,
});

describe('ignoredEmailsSignal errors', () => {
  it('refuses a history that does not keep the email events, and a bad run length', () => {
    const bare = updateActivityHistory(undefined, [ev('email_sent', 10)], { recent: {} });
    expect(() => ignoredEmailsSignal(bare, { asOf })).toThrow(RetentionInputError);
    expect(() => ignoredEmailsSignal(bare, { asOf })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ignoredEmailsSignal: options.sentType has an invalid value: the history does not keep the latest email_sent events: list the type in updateActivityHistory's recent option]`,
    );
    const kept = updateActivityHistory(undefined, [ev('email_sent', 10)]);
    expect(() => ignoredEmailsSignal(kept, { asOf, inARow: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: ignoredEmailsSignal: options.inARow is out of range (expected an integer >= 1 and <= 1000)]`,
    );
  });
});

describe('failedPaymentsSignal errors', () => {
  it('refuses a threshold below one failure and a window the history does not keep', () => {
    const h = updateActivityHistory(undefined, [ev('payment_failed', 50)]);
    expect(() =>
      failedPaymentsSignal(h, { asOf, minFailures: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: failedPaymentsSignal: options.minFailures is out of range (expected an integer >= 1 and <= 1000)]`,
    );
    expect(() =>
      failedPaymentsSignal(h, { asOf, days: 100_000 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: failedPaymentsSignal: options.days is out of range (expected an integer >= 1 and <= 3650)]`,
    );
  });
});

describe('calibrationTable errors', () => {
  it('refuses a probability outside [0, 1], a label that is not a boolean, and a bad bin count', () => {
    expect(() =>
      calibrationTable([{ score: 1.5, churned: true }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: calibrationTable: outcomes[0].score is out of range (expected a finite number >= 0 and <= 1)]`,
    );
    expect(() =>
      calibrationTable([{ score: 0.5, churned: 'yes' as never }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: calibrationTable: outcomes[0].churned has the wrong type (expected a boolean; received string)]`,
    );
    expect(() => calibrationTable([], { bins: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: calibrationTable: options.bins is out of range (expected an integer >= 1 and <= 1000)]`,
    );
    expect(() => calibrationTable([], { bins: 2.5 })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: calibrationTable: options.bins is out of range (expected an integer >= 1 and <= 1000)]`,
    );
  });
});

describe('explainChurn errors', () => {
  it('refuses a feature that is not a number, a boolean or missing', () => {
    const examples = Array.from({ length: 40 }, (_, i) => ({
      features: { days: i },
      churned: i % 3 === 0 || i > 30,
    }));
    const model = fitChurnModel(examples, { holdout: 0 });
    expect(() => explainChurn(model, { days: '3' as never })).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: explainChurn: features.days has the wrong type (expected a finite number, a boolean, null or undefined; received string)]`,
    );
  });
});
