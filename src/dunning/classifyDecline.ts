import { lazy } from '../core/lazy';

/**
 * What a declined charge means for dunning:
 *
 * - `'soft'`: the card may pay later (no funds today, issuer unreachable, an unexplained
 *   decline): retry on the policy's schedule.
 * - `'hard'`: this card will not pay (lost, stolen, closed, fraud, payments revoked): never retry
 *   it; wait for the customer to give another payment method.
 * - `'update_required'`: the card is fine but the details are not (expired, wrong CVC, needs
 *   authentication): retry only after the customer updates them, and then at once.
 *
 * @category dunning
 */
export type DeclineClass = 'soft' | 'hard' | 'update_required';

/**
 * The reason behind a decline, one level finer than its {@link DeclineClass}. Soft reasons choose
 * a retry schedule (`retries.schedule` may name one per reason); the others say what the customer
 * has to do.
 *
 * - soft: `'insufficient_funds'` (funds or limits), `'temporary'` (issuer or processor
 *   unavailable, try again later), `'generic'` (declined without a reason), `'unknown'` (a code
 *   the table does not know);
 * - hard: `'fraud'`, `'lost_or_stolen'`, `'invalid_account'` (wrong number, closed account, no
 *   such issuer), `'refused'` (this card, currency, merchant or kind of payment is not allowed),
 *   `'revoked'` (the cardholder stopped payments to the merchant);
 * - update required: `'expired_card'`, `'card_details'` (CVC, postal code, expiry fields, PIN,
 *   new account details), `'authentication'` (3-D Secure or another customer authentication).
 *
 * @category dunning
 */
export type DeclineReason =
  | 'insufficient_funds'
  | 'temporary'
  | 'generic'
  | 'unknown'
  | 'fraud'
  | 'lost_or_stolen'
  | 'invalid_account'
  | 'refused'
  | 'revoked'
  | 'expired_card'
  | 'card_details'
  | 'authentication';

/**
 * The soft {@link DeclineReason}s, which a policy may give retry schedules of their own.
 *
 * @category dunning
 */
export type SoftDeclineReason = 'insufficient_funds' | 'temporary' | 'generic' | 'unknown';

/**
 * The answer of {@link classifyDecline}.
 *
 * @category dunning
 */
export interface DeclineClassification {
  /** The code as looked up (trimmed, lower case, one-digit network codes padded), or `null` when none was given. */
  readonly code: string | null;
  readonly class: DeclineClass;
  readonly reason: DeclineReason;
  /** Whether the code is in the table (`false` for unknown codes and for a missing code). */
  readonly known: boolean;
}

/**
 * One row of the decline table: a code, where it comes from, and how it is treated.
 *
 * @category dunning
 */
export interface KnownDeclineCode {
  /** The code in lower case, e.g. `'insufficient_funds'` or `'51'`. */
  readonly code: string;
  /** `'stripe'` for Stripe's decline codes, `'network'` for ISO 8583 response codes (DE 39). */
  readonly source: 'stripe' | 'network';
  readonly class: DeclineClass;
  readonly reason: DeclineReason;
}

const REASON_CLASS: Readonly<Record<DeclineReason, DeclineClass>> = {
  insufficient_funds: 'soft',
  temporary: 'soft',
  generic: 'soft',
  unknown: 'soft',
  fraud: 'hard',
  lost_or_stolen: 'hard',
  invalid_account: 'hard',
  refused: 'hard',
  revoked: 'hard',
  expired_card: 'update_required',
  card_details: 'update_required',
  authentication: 'update_required',
};

/**
 * Stripe's card decline codes (docs.stripe.com/declines/codes), grouped by reason. Where Stripe's
 * next step is "retry" or "the customer should contact the issuer" without anything wrong with
 * the card, the code is soft; where the card cannot be charged again, hard; where the customer
 * must correct or re-enter details, update-required. `card_declined` is Stripe's error code when
 * no finer decline code is given.
 */
const STRIPE: Readonly<Record<DeclineReason, readonly string[]>> = {
  insufficient_funds: [
    'insufficient_funds',
    'card_velocity_exceeded',
    'withdrawal_count_limit_exceeded',
  ],
  temporary: [
    'try_again_later',
    'processing_error',
    'issuer_not_available',
    'reenter_transaction',
    'duplicate_transaction',
  ],
  generic: [
    'generic_decline',
    'do_not_honor',
    'call_issuer',
    'approve_with_id',
    'no_action_taken',
    'invalid_amount',
    'card_declined',
  ],
  unknown: [],
  fraud: ['fraudulent', 'merchant_blacklist', 'security_violation'],
  lost_or_stolen: ['lost_card', 'stolen_card', 'pickup_card'],
  invalid_account: ['incorrect_number', 'invalid_number', 'invalid_account'],
  refused: [
    'card_not_supported',
    'currency_not_supported',
    'not_permitted',
    'restricted_card',
    'service_not_allowed',
    'transaction_not_allowed',
    'do_not_try_again',
    'testmode_decline',
  ],
  revoked: [
    'revocation_of_authorization',
    'revocation_of_all_authorizations',
    'stop_payment_order',
  ],
  expired_card: ['expired_card'],
  card_details: [
    'incorrect_cvc',
    'invalid_cvc',
    'incorrect_zip',
    'invalid_expiry_month',
    'invalid_expiry_year',
    'incorrect_pin',
    'invalid_pin',
    'pin_try_exceeded',
    'offline_pin_required',
    'online_or_offline_pin_required',
    'new_account_information_available',
  ],
  authentication: ['authentication_required'],
};

/**
 * ISO 8583 response codes (DE 39) as Visa, Mastercard and the debit networks send them. The
 * grouping follows Visa's reattempt categories: category 1 ("the issuer will never approve") is
 * hard; category 2 ("cannot approve at this time") is soft; category 3 ("cannot approve with the
 * details given") is update-required. Suspected fraud (59) and a security violation (63) are
 * treated as hard, as Stripe treats its `fraudulent` code, although Visa would allow a reattempt.
 */
const NETWORK: Readonly<Record<DeclineReason, readonly string[]>> = {
  insufficient_funds: ['51', '61', '65', 'n4'],
  temporary: ['06', '19', '91', '92', '94', '96'],
  generic: ['01', '02', '05', '13'],
  unknown: [],
  fraud: ['07', '59', '63'],
  lost_or_stolen: ['04', '41', '43'],
  invalid_account: ['14', '15', '46', '52', '53'],
  refused: ['03', '12', '57', '58', '62', '93'],
  revoked: ['r0', 'r1', 'r3'],
  expired_card: ['54'],
  card_details: ['55', '75', '82', 'n7'],
  authentication: ['1a'],
};

const table = /* @__PURE__ */ lazy(() => {
  const rows: KnownDeclineCode[] = [];
  const byCode = new Map<string, KnownDeclineCode>();
  for (const [source, groups] of [
    ['stripe', STRIPE],
    ['network', NETWORK],
  ] as const) {
    for (const reason of Object.keys(groups) as DeclineReason[]) {
      for (const code of groups[reason]) {
        const row: KnownDeclineCode = { code, source, class: REASON_CLASS[reason], reason };
        rows.push(row);
        byCode.set(code, row);
      }
    }
  }
  return { rows: Object.freeze(rows), byCode };
});

/** Trims, lower-cases and pads one-digit numeric network codes (`'5'` is `'05'`). */
function normalize(code: string): string {
  const c = code.trim().toLowerCase();
  return c.length === 1 && c >= '0' && c <= '9' ? `0${c}` : c;
}

const NO_CODE: DeclineClassification = {
  code: null,
  class: 'soft',
  reason: 'generic',
  known: false,
};

/**
 * Classifies a decline code from a card processor: Stripe's decline codes (and its
 * `card_declined` error code) and the card networks' ISO 8583 response codes (`'05'`, `'51'`,
 * `'54'`, `'R1'`...). Codes are matched exactly after trimming and lower-casing, never by
 * guessing from parts of the text.
 *
 * Unknown codes are `{ class: 'soft', reason: 'unknown', known: false }`: retried on the policy's
 * schedule (its `unknown` entry if it has one) within `maxRetries` and the window, never treated
 * as a reason to stop. This is the conservative choice for revenue (an unrecognised code never
 * ends a campaign by itself) and stays inside the networks' rules, which allow reattempts for
 * every code outside their "never approve" lists. A missing code (the processor sent none) is a
 * generic soft decline.
 *
 * @param code - The decline code, or `undefined`/`null` when the processor gave none.
 * @returns The class, the reason, the normalised code, and whether the table knows it.
 *
 * @example
 * classifyDecline('insufficient_funds')
 * //=> { code: 'insufficient_funds', class: 'soft', reason: 'insufficient_funds', known: true }
 *
 * @example
 * classifyDecline('stolen_card').class
 * //=> 'hard'
 *
 * @example
 * // ISO 8583 response code 54: expired card. The customer must update it, then we retry at once.
 * classifyDecline('54')
 * //=> { code: '54', class: 'update_required', reason: 'expired_card', known: true }
 *
 * @example
 * classifyDecline('ZZ_NEW_CODE')
 * //=> { code: 'zz_new_code', class: 'soft', reason: 'unknown', known: false }
 *
 * @category dunning
 */
export function classifyDecline(code: string | null | undefined): DeclineClassification {
  if (code === undefined || code === null) return { ...NO_CODE };
  const normalized = normalize(String(code));
  if (normalized === '') return { ...NO_CODE };
  const row = table().byCode.get(normalized);
  if (row === undefined)
    return { code: normalized, class: 'soft', reason: 'unknown', known: false };
  return { code: normalized, class: row.class, reason: row.reason, known: true };
}

/**
 * Every code {@link classifyDecline} knows, with its source and treatment: for documentation, for
 * auditing the table against your processor's list, and for tests.
 *
 * @returns The rows, Stripe's codes first, then the network codes.
 *
 * @example
 * knownDeclineCodes().filter((c) => c.class === 'hard' && c.source === 'network').map((c) => c.code)
 * //=> ['07', '59', '63', '04', '41', '43', '14', '15', '46', '52', '53', '03', '12', '57', '58', '62', '93', 'r0', 'r1', 'r3']
 *
 * @category dunning
 */
export function knownDeclineCodes(): readonly KnownDeclineCode[] {
  return table().rows;
}
