import { describe, expect, it } from 'vitest';
import { simulateBusiness } from '../testing/simulate';
import { classifyDecline, knownDeclineCodes } from './classifyDecline';

/**
 * Stripe's card decline codes as its documentation lists them (docs.stripe.com/declines/codes),
 * plus `card_declined`, the error code Stripe gives when there is no finer decline code.
 */
const STRIPE_CODES = [
  'authentication_required',
  'approve_with_id',
  'call_issuer',
  'card_not_supported',
  'card_velocity_exceeded',
  'currency_not_supported',
  'do_not_honor',
  'do_not_try_again',
  'duplicate_transaction',
  'expired_card',
  'fraudulent',
  'generic_decline',
  'incorrect_number',
  'incorrect_cvc',
  'incorrect_pin',
  'incorrect_zip',
  'insufficient_funds',
  'invalid_account',
  'invalid_amount',
  'invalid_cvc',
  'invalid_expiry_month',
  'invalid_expiry_year',
  'invalid_number',
  'invalid_pin',
  'issuer_not_available',
  'lost_card',
  'merchant_blacklist',
  'new_account_information_available',
  'no_action_taken',
  'not_permitted',
  'offline_pin_required',
  'online_or_offline_pin_required',
  'pickup_card',
  'pin_try_exceeded',
  'processing_error',
  'reenter_transaction',
  'restricted_card',
  'revocation_of_all_authorizations',
  'revocation_of_authorization',
  'security_violation',
  'service_not_allowed',
  'stolen_card',
  'stop_payment_order',
  'testmode_decline',
  'transaction_not_allowed',
  'try_again_later',
  'withdrawal_count_limit_exceeded',
  'card_declined',
];

describe('classifyDecline', () => {
  it('knows every code in Stripe’s decline code list', () => {
    const stripe = new Set(
      knownDeclineCodes()
        .filter((c) => c.source === 'stripe')
        .map((c) => c.code),
    );
    expect(STRIPE_CODES.filter((c) => !stripe.has(c))).toEqual([]);
    for (const code of STRIPE_CODES) expect(classifyDecline(code).known).toBe(true);
  });

  it('retries soft declines', () => {
    for (const code of [
      'insufficient_funds',
      'try_again_later',
      'processing_error',
      'issuer_not_available',
      'do_not_honor',
      'generic_decline',
      'card_velocity_exceeded',
      'withdrawal_count_limit_exceeded',
      'call_issuer',
      'reenter_transaction',
    ])
      expect(classifyDecline(code).class, code).toBe('soft');
    expect(classifyDecline('insufficient_funds').reason).toBe('insufficient_funds');
    expect(classifyDecline('try_again_later').reason).toBe('temporary');
    expect(classifyDecline('do_not_honor').reason).toBe('generic');
  });

  it('never retries hard declines', () => {
    for (const code of [
      'stolen_card',
      'lost_card',
      'pickup_card',
      'revocation_of_authorization',
      'revocation_of_all_authorizations',
      'stop_payment_order',
      'incorrect_number',
      'invalid_account',
      'fraudulent',
      'do_not_try_again',
      'transaction_not_allowed',
      'currency_not_supported',
    ])
      expect(classifyDecline(code).class, code).toBe('hard');
  });

  it('waits for the customer on update-required declines', () => {
    for (const code of [
      'expired_card',
      'incorrect_cvc',
      'invalid_cvc',
      'incorrect_zip',
      'invalid_expiry_year',
      'authentication_required',
      'new_account_information_available',
    ])
      expect(classifyDecline(code).class, code).toBe('update_required');
    expect(classifyDecline('expired_card').reason).toBe('expired_card');
    expect(classifyDecline('authentication_required').reason).toBe('authentication');
  });

  it('reads ISO 8583 response codes along Visa’s reattempt categories', () => {
    const expected: Record<string, [string, string]> = {
      '05': ['soft', 'generic'],
      '51': ['soft', 'insufficient_funds'],
      '61': ['soft', 'insufficient_funds'],
      '91': ['soft', 'temporary'],
      '96': ['soft', 'temporary'],
      '54': ['update_required', 'expired_card'],
      N7: ['update_required', 'card_details'],
      '1A': ['update_required', 'authentication'],
      '14': ['hard', 'invalid_account'],
      '41': ['hard', 'lost_or_stolen'],
      '43': ['hard', 'lost_or_stolen'],
      '04': ['hard', 'lost_or_stolen'],
      '07': ['hard', 'fraud'],
      '57': ['hard', 'refused'],
      R0: ['hard', 'revoked'],
      R1: ['hard', 'revoked'],
      R3: ['hard', 'revoked'],
    };
    for (const [code, [cls, reason]] of Object.entries(expected)) {
      const c = classifyDecline(code);
      expect([c.class, c.reason, c.known], code).toEqual([cls, reason, true]);
    }
  });

  it('normalises case, spaces and one-digit network codes, and never guesses', () => {
    expect(classifyDecline('  Insufficient_Funds ').code).toBe('insufficient_funds');
    expect(classifyDecline('5')).toEqual(classifyDecline('05'));
    expect(classifyDecline('r1').class).toBe('hard');
    // a code that merely contains a known word is unknown, not hard
    expect(classifyDecline('card_stolen_maybe')).toEqual({
      code: 'card_stolen_maybe',
      class: 'soft',
      reason: 'unknown',
      known: false,
    });
  });

  it('treats a missing code as a generic soft decline', () => {
    const none = { code: null, class: 'soft', reason: 'generic', known: false };
    expect(classifyDecline(undefined)).toEqual(none);
    expect(classifyDecline(null)).toEqual(none);
    expect(classifyDecline('  ')).toEqual(none);
  });

  it('has one row per code, each class matching its reason', () => {
    const rows = knownDeclineCodes();
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    const classOf = new Map<string, string>();
    for (const r of rows) {
      expect(r.code).toBe(r.code.trim().toLowerCase());
      const seen = classOf.get(r.reason);
      if (seen !== undefined) expect(r.class, r.reason).toBe(seen);
      classOf.set(r.reason, r.class);
    }
    expect(rows.filter((r) => r.source === 'network').length).toBeGreaterThanOrEqual(40);
  });

  it('knows every decline code the billing simulator produces', () => {
    const { payments } = simulateBusiness({ seed: 3, customers: 400, days: 120, retries: false });
    const codes = new Set(
      payments.flatMap((p) => (p.declineCode === undefined ? [] : [p.declineCode])),
    );
    expect(codes.size).toBeGreaterThan(5);
    for (const code of codes) expect(classifyDecline(code).known, code).toBe(true);
  });
});
