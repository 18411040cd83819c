import type { Channel } from './action';
import { durationToMs, type FixedDurationInput } from './duration';
import { describeType, failInput, type InputLocation } from './errors';
import type { Instant } from './instant';

/**
 * A frequency cap: at most `max` actions in any window of length `per`. `scope` says which past
 * actions count against it: every action the customer got (`'customer'`, across rules and
 * channels), those on the same channel (`'channel'`), or those of the same rule or policy
 * (`'definition'`). `channel` narrows the cap to one channel ("at most 2 SMS a week").
 *
 * @example
 * const caps: FrequencyCap[] = [
 *   { max: 3, per: '7d' },                              // three messages a week in all
 *   { max: 1, per: '1d', scope: 'channel' },            // one a day on any single channel
 *   { max: 2, per: '7d', channel: 'sms' },              // two SMS a week
 *   { max: 1, per: '30d', scope: 'definition' },        // one per rule a month
 * ];
 *
 * @category core
 */
export interface FrequencyCap {
  /** Most actions allowed in any window of length `per` (0 blocks everything in scope). */
  readonly max: number;
  /** The length of the sliding window, a fixed duration such as `'7d'`. */
  readonly per: FixedDurationInput;
  /** Which actions count against the cap. @defaultValue `'customer'` */
  readonly scope?: 'customer' | 'channel' | 'definition';
  /** Apply the cap only to actions on this channel. @defaultValue every channel */
  readonly channel?: Channel;
}

/**
 * A validated {@link FrequencyCap}, with the window in milliseconds.
 *
 * @category core
 */
export interface ParsedFrequencyCap {
  readonly max: number;
  readonly perMs: number;
  readonly scope: 'customer' | 'channel' | 'definition';
  readonly channel?: Channel;
}

/**
 * An action that counts against caps: one already sent, or one planned and not yet sent.
 *
 * @category core
 */
export interface CappedAction {
  /** When it was (or will be) delivered. */
  readonly at: Instant;
  readonly channel: Channel;
  /** The rule or policy it came from. */
  readonly definitionId: string;
}

/**
 * Validates frequency caps.
 *
 * @param caps - The caps.
 * @param location - Where the caps sit in the caller's input, for the error message.
 * @returns The caps with windows in milliseconds.
 * @throws {RetentionInputError} When `max` is not a non-negative integer, `per` is not a positive
 * fixed duration, or `scope` is unknown.
 *
 * @example
 * parseFrequencyCaps([{ max: 2, per: '7d', channel: 'sms' }])
 * //=> [{ max: 2, perMs: 604800000, scope: 'customer', channel: 'sms' }]
 *
 * @category core
 */
export function parseFrequencyCaps(
  caps: readonly FrequencyCap[],
  location: InputLocation = {},
): ParsedFrequencyCap[] {
  const path = location.path ?? [];
  return caps.map((cap, i) => {
    const at = (key: string) => ({ ...location, path: [...path, i, key] });
    if (!(Number.isInteger(cap.max) && cap.max >= 0)) {
      failInput(at('max'), {
        code: 'out_of_range',
        path: [],
        expected: 'a whole number >= 0',
        received: describeType(cap.max),
      });
    }
    const perMs = durationToMs(cap.per, at('per'));
    if (perMs <= 0)
      failInput(at('per'), {
        code: 'out_of_range',
        path: [],
        expected: 'a window longer than zero',
      });
    const scope = cap.scope ?? 'customer';
    if (scope !== 'customer' && scope !== 'channel' && scope !== 'definition') {
      failInput(at('scope'), {
        code: 'invalid_enum',
        path: [],
        expected: "'customer', 'channel' or 'definition'",
      });
    }
    return {
      max: cap.max,
      perMs,
      scope,
      ...(cap.channel === undefined ? {} : { channel: cap.channel }),
    };
  });
}

function counts(
  cap: ParsedFrequencyCap,
  action: CappedAction,
  candidate: Omit<CappedAction, 'at'>,
): boolean {
  if (cap.channel !== undefined && action.channel !== cap.channel) return false;
  if (cap.scope === 'channel') return action.channel === candidate.channel;
  if (cap.scope === 'definition') return action.definitionId === candidate.definitionId;
  return true;
}

/** How many actions of `history` that count against `cap` fall in `[from, to)`. */
function countIn(
  cap: ParsedFrequencyCap,
  history: readonly CappedAction[],
  candidate: CappedAction,
  from: number,
  to: number,
): number {
  let n = 0;
  for (let i = 0; i < history.length; i++) {
    const a = history[i]!;
    if (a.at >= from && a.at < to && counts(cap, a, candidate)) n++;
  }
  return n;
}

/**
 * Whether a new action at `t` keeps every window of length `perMs` that contains `t` under `max`,
 * counting the actions of `history` that count against `cap`. As a window slides over `t`, its
 * count only grows when a later action enters it, so the fullest windows are the one ending at
 * `t` and those ending at each later counted action within `perMs` of `t`.
 */
function admits(
  cap: ParsedFrequencyCap,
  history: readonly CappedAction[],
  candidate: CappedAction,
  t: number,
): boolean {
  if (countIn(cap, history, candidate, t - cap.perMs + 1, t + 1) >= cap.max) return false;
  for (let i = 0; i < history.length; i++) {
    const y = history[i]!.at;
    if (
      y > t &&
      y < t + cap.perMs &&
      counts(cap, history[i]!, candidate) &&
      countIn(cap, history, candidate, y - cap.perMs + 1, y + 1) >= cap.max
    )
      return false;
  }
  return true;
}

const applies = (cap: ParsedFrequencyCap, candidate: CappedAction): boolean =>
  cap.channel === undefined || cap.channel === candidate.channel;

function allParsed(
  caps: readonly (FrequencyCap | ParsedFrequencyCap)[],
): caps is readonly ParsedFrequencyCap[] {
  for (let i = 0; i < caps.length; i++) if (!('perMs' in caps[i]!)) return false;
  return true;
}

/**
 * The earliest instant at or after `candidate.at` at which one more action fits under every cap,
 * counting both sent and already-planned actions. Returns `Infinity` when a cap with `max: 0`
 * applies, since the action can never be sent.
 *
 * @param history - The customer's actions that count against caps, in any order.
 * @param candidate - The action to place: when it is due, its channel and its rule or policy.
 * @param caps - The caps, validated with {@link parseFrequencyCaps} or raw.
 * @returns Epoch milliseconds, or `Infinity`.
 * @throws {RetentionInputError} When a raw cap is invalid.
 *
 * @example
 * const day = 86_400_000;
 * const history = [{ at: 0, channel: 'email', definitionId: 'tips' }, { at: day, channel: 'email', definitionId: 'tips' }];
 * nextAllowedByCaps(history, { at: 2 * day, channel: 'email', definitionId: 'welcome' }, [{ max: 2, per: '7d' }]) / day
 * //=> 7 (the first message leaves the 7-day window)
 *
 * @category core
 */
export function nextAllowedByCaps(
  history: readonly CappedAction[],
  candidate: CappedAction,
  caps: readonly (FrequencyCap | ParsedFrequencyCap)[],
): Instant {
  const parsed = allParsed(caps)
    ? caps
    : caps.map((c) =>
        'perMs' in c ? c : parseFrequencyCaps([c], { fn: 'nextAllowedByCaps', root: 'caps' })[0]!,
      );
  // the candidate's own instant is the earliest answer: when every cap admits it, no list is built
  let fits = true;
  for (let i = 0; i < parsed.length && fits; i++)
    if (applies(parsed[i]!, candidate)) fits = admits(parsed[i]!, history, candidate, candidate.at);
  if (fits) return candidate.at;
  const applicable = parsed.filter((cap) => applies(cap, candidate));
  if (applicable.some((cap) => cap.max === 0)) return Number.POSITIVE_INFINITY;
  // The answer is the moment some counted action leaves a window.
  const moments = new Set<number>();
  for (const cap of applicable)
    for (const a of history)
      if (counts(cap, a, candidate) && a.at + cap.perMs > candidate.at)
        moments.add(a.at + cap.perMs);
  for (const t of [...moments].sort((a, b) => a - b)) {
    if (applicable.every((cap) => admits(cap, history, candidate, t))) return t;
  }
  /* c8 ignore next: after the last action leaves every window, every cap admits */
  return Number.POSITIVE_INFINITY;
}
