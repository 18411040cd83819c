/**
 * Why a customer left: the exit-reason taxonomy the win-back module segments, offers and reports
 * by. The ids are the ones `simulateBusiness` writes, so simulated data, tests and reports agree.
 *
 * | id | the customer says |
 * |---|---|
 * | `price` | it costs too much, the budget was cut, something cheaper does the job |
 * | `missing_feature` | a feature or an integration they need is missing |
 * | `no_value` | they hardly used it, or never saw what it was good for |
 * | `technical` | bugs, errors, crashes, slowness |
 * | `support` | a bad experience with support: no answer, long waits, rudeness |
 * | `competitor` | they switched to another product |
 * | `temporary` | the need was temporary (one project, a season), or the business closed |
 * | `other` | anything else, or an answer that names no reason |
 *
 * @category winback
 */
export type ExitReason =
  | 'price'
  | 'missing_feature'
  | 'no_value'
  | 'technical'
  | 'support'
  | 'competitor'
  | 'temporary'
  | 'other';

/**
 * Every {@link ExitReason}, in a fixed order (the order of reports and of tie-breaks).
 *
 * @example
 * EXIT_REASONS.length
 * //=> 8
 *
 * @category winback
 */
export const EXIT_REASONS: readonly ExitReason[] = [
  'price',
  'missing_feature',
  'no_value',
  'technical',
  'support',
  'competitor',
  'temporary',
  'other',
];

/**
 * Tells whether a value is one of the {@link ExitReason} ids.
 *
 * @param value - Anything.
 * @returns `true` for the eight ids of the taxonomy.
 *
 * @example
 * [isExitReason('price'), isExitReason('Price'), isExitReason('bored')]
 * //=> [true, false, false]
 *
 * @category winback
 */
export function isExitReason(value: unknown): value is ExitReason {
  return typeof value === 'string' && (EXIT_REASONS as readonly string[]).includes(value);
}

/** The index of a reason in {@link EXIT_REASONS}. @internal */
export function reasonIndex(reason: ExitReason): number {
  return (EXIT_REASONS as readonly string[]).indexOf(reason);
}
