/**
 * The shape every risk signal returns, and its rendering as text.
 *
 * @module
 */

/**
 * The names of the built-in risk signals.
 *
 * @category scoring
 */
export type RiskSignalName =
  | 'activity_drop'
  | 'billing_switch'
  | 'ignored_emails'
  | 'unused_paid_feature'
  | 'failed_payments'
  | 'bad_experience'
  | 'inactivity'
  | 'low_seat_utilization';

/**
 * What a risk signal returns: whether it fired, how strongly the sign is present (0-1, also
 * when it did not fire, so it can feed a model), and the evidence it read, as a record.
 *
 * @typeParam E - The signal's evidence.
 * @category scoring
 */
export interface RiskSignal<E> {
  readonly signal: RiskSignalName;
  readonly fired: boolean;
  /** 0 (no sign of it) to 1 (as strong as the signal measures). */
  readonly strength: number;
  readonly evidence: E;
}

function days(n: number): string {
  const r = Math.round(n * 10) / 10;
  return `${r} day${r === 1 ? '' : 's'}`;
}

function date(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * Renders a risk signal's result as one sentence, from its evidence.
 *
 * @param signal - A result of one of the risk signals.
 * @returns The sentence.
 *
 * @example
 * describeRiskSignal(inactivitySignal(
 *   updateActivityHistory(undefined, [{ id: 'e1', customerId: 'c1', type: 'login', at: '2026-02-01T00:00:00Z' }]),
 *   { asOf: '2026-03-01T00:00:00Z' },
 * ))
 * //=> 'inactivity fired (strength 1.00): no login for 28 days (threshold 21)'
 *
 * @category scoring
 */
export function describeRiskSignal(signal: RiskSignal<unknown>): string {
  const head = `${signal.signal} ${signal.fired ? 'fired' : 'did not fire'} (strength ${signal.strength.toFixed(2)})`;
  const e = signal.evidence as Record<string, unknown>;
  let body = '';
  switch (signal.signal) {
    case 'activity_drop':
      body = `${e.recentCount} event${e.recentCount === 1 ? '' : 's'} in the last ${days(e.recentDays as number)} against ${e.baselineCount} in the ${days(e.baselineDays as number)} before (${((e.recentRate as number) * 7).toFixed(1)} vs ${((e.baselineRate as number) * 7).toFixed(1)} a week, p = ${(e.pValue as number).toPrecision(2)})`;
      break;
    case 'billing_switch':
      body =
        e.at === null
          ? 'no switch to a shorter billing interval'
          : `switched from ${e.from} to ${e.to} billing on ${date(e.at as number)}`;
      break;
    case 'ignored_emails':
      body = `${e.ignoredInARow} engagement emails in a row unopened (threshold ${e.threshold})`;
      break;
    case 'unused_paid_feature': {
      const unused = e.unused as string[];
      body =
        unused.length === 0
          ? 'every paid feature used recently'
          : `${unused.join(', ')} not used in ${days(e.days as number)}`;
      break;
    }
    case 'failed_payments':
      body = `${e.failures} failed payment${e.failures === 1 ? '' : 's'} in ${days(e.days as number)}${e.failures === 0 ? '' : e.unresolved ? ', not recovered' : ', since recovered'}`;
      break;
    case 'bad_experience': {
      const bad = e.bad as { type: string; at: number; score: number }[];
      body =
        bad.length === 0
          ? `no bad rating in ${days(e.days as number)}`
          : `${bad.length} bad rating${bad.length === 1 ? '' : 's'} in ${days(e.days as number)}: ${bad.map((b) => `${b.type} ${b.score} on ${date(b.at)}`).join(', ')}`;
      break;
    }
    case 'inactivity':
      body =
        e.daysSince === null
          ? 'no activity recorded'
          : `no ${(e.types as string[]).join(' or ')} for ${days(e.daysSince as number)} (threshold ${e.threshold})`;
      break;
    case 'low_seat_utilization':
      body = `${e.activeUsers} of ${e.seats} seats active (${Math.round((e.utilization as number) * 100)}%, threshold ${Math.round((e.threshold as number) * 100)}%)`;
      break;
  }
  return `${head}: ${body}`;
}
