import type { Channel } from '../core/action';
import { type ConditionTrace, describeConditionTrace } from '../core/condition';
import type { Instant } from '../core/instant';
import type { RuleTrigger } from './defineRule';

/**
 * What became of one occurrence of a rule in an evaluation:
 *
 * - `planned`: it fired and at least one action was planned;
 * - `suppressed`: it fired, but frequency caps (or lateness) blocked every action;
 * - `conditions_failed`: the rule's conditions did not hold when it fired;
 * - `reentry`: the rule's re-entry setting did not allow another occurrence;
 * - `expired`: it was due longer ago than the rule's `expireAfter`;
 * - `exited`: an exit or a goal (see `reason`) ended it before it fired;
 * - `followed`: (`eventWithout`) the follow-up event arrived within the window;
 * - `filtered`: the event did not match the trigger's `where`;
 * - `duplicate`: an occurrence with the same id was already handled.
 *
 * @category triggers
 */
export type OccurrenceOutcome =
  | 'planned'
  | 'suppressed'
  | 'conditions_failed'
  | 'reentry'
  | 'expired'
  | 'exited'
  | 'followed'
  | 'filtered'
  | 'duplicate';

/**
 * What became of one action of a fired occurrence.
 *
 * @category triggers
 */
export interface ActionExplanation {
  readonly channel: Channel;
  readonly template: string;
  /** The idempotency key the action has (or would have had). */
  readonly key: string;
  readonly outcome: 'planned' | 'suppressed';
  /** When it is due, for a planned action. */
  readonly dueAt?: Instant;
  /** Why it was suppressed: a frequency cap, or deferred past the rule's `expireAfter`. */
  readonly reason?: 'cap' | 'expired';
  /** Template variables that were missing and had no fallback (rendered empty). */
  readonly missing?: readonly string[];
}

/**
 * One occurrence considered in an evaluation, and its outcome.
 *
 * @category triggers
 */
export interface OccurrenceExplanation {
  /** The occurrence id (part of the idempotency key), e.g. `'event:evt_1'` or `'milestone:5'`. */
  readonly occurrence: string;
  /** For date triggers, the offset, e.g. `'before:7d'`. */
  readonly step?: string;
  /** When the occurrence fired (or would have). */
  readonly at: Instant;
  /** When it started: the triggering event for event kinds, otherwise `at`. Exits and goals after it end it. */
  readonly since: Instant;
  readonly outcome: OccurrenceOutcome;
  /** For `exited`: whether an exit or a goal ended it. */
  readonly reason?: 'exit' | 'goal';
  /** The rule's conditions at the moment it fired, when they were checked. */
  readonly conditions?: ConditionTrace;
  /** The actions of a fired occurrence. */
  readonly actions?: readonly ActionExplanation[];
}

/**
 * A pending action cancelled by an exit or a goal: remove it from the outbox.
 *
 * @category triggers
 */
export interface TriggerCancellation {
  /** The idempotency key of the planned action. */
  readonly key: string;
  /** The rule that planned it. */
  readonly definitionId: string;
  readonly occurrence: string;
  readonly reason: 'exit' | 'goal';
}

/**
 * Why a rule did or did not act in one evaluation, as records; render them with
 * {@link describeTriggerExplanation}.
 *
 * @category triggers
 */
export interface RuleExplanation {
  readonly ruleId: string;
  readonly version: number;
  readonly trigger: RuleTrigger['kind'];
  /** Occurrences considered in this evaluation. */
  readonly occurrences: readonly OccurrenceExplanation[];
  /** Occurrences known now that fire later (an open cart window, a renewal reminder). */
  readonly waiting: readonly {
    readonly occurrence: string;
    readonly step?: string;
    readonly at: Instant;
  }[];
  /** The rule's conditions evaluated at `now` (whether or not anything fired). */
  readonly conditions?: ConditionTrace;
  /** For a condition trigger: its condition at `now`. */
  readonly triggerCondition?: ConditionTrace;
  /** The exit condition at `now`. */
  readonly exit?: ConditionTrace;
  /** The goal condition at `now`. */
  readonly goal?: ConditionTrace;
  /** Pending actions of this rule cancelled in this evaluation. */
  readonly cancelled: readonly TriggerCancellation[];
}

/**
 * Options of {@link describeTriggerExplanation}.
 *
 * @category triggers
 */
export interface DescribeTriggerExplanationOptions {
  /** Show the customer's fact values in condition lines (off for logs that must not hold personal data). @defaultValue `true` */
  readonly showValues?: boolean;
}

const iso = (t: Instant): string => new Date(t).toISOString();

const OUTCOME_TEXT: Record<OccurrenceOutcome, string> = {
  planned: 'planned',
  suppressed: 'fired, every action suppressed',
  conditions_failed: 'conditions not met',
  reentry: 'blocked by re-entry',
  expired: 'expired (too late)',
  exited: 'ended by',
  followed: 'the follow-up event arrived in time',
  filtered: 'event does not match where',
  duplicate: 'already handled',
};

/**
 * Renders the explanations of an evaluation as indented lines of text, for logs and admin UIs.
 *
 * @param rules - The `rules` of an explained evaluation (`CompiledRules.explain`).
 * @param options - See {@link DescribeTriggerExplanationOptions}.
 * @returns The lines.
 *
 * @example
 * const compiled = compileRules([{ id: 'welcome', version: 1, trigger: { kind: 'event', event: 'signed_up' }, actions: [{ channel: 'email', template: 'welcome' }] }]);
 * const { rules } = compiled.explain({ customerId: 'c1', events: [{ id: 'e1', customerId: 'c1', type: 'signed_up', at: '2026-06-01T10:00:00Z' }] }, '2026-06-01T10:00:00Z');
 * describeTriggerExplanation(rules).slice(0, 3)
 * //=> ['welcome v1 (event)', '  event:e1 at 2026-06-01T10:00:00.000Z: planned', '    email welcome: due 2026-06-01T10:00:00.000Z']
 *
 * @category triggers
 */
export function describeTriggerExplanation(
  rules: readonly RuleExplanation[],
  options: DescribeTriggerExplanationOptions = {},
): string[] {
  const showValues = options.showValues ?? true;
  const lines: string[] = [];
  const trace = (label: string, t: ConditionTrace | undefined, indent: string) => {
    if (t === undefined) return;
    lines.push(`${indent}${label}:`);
    for (const line of describeConditionTrace(t, { showValues })) lines.push(`${indent}  ${line}`);
  };
  for (const r of rules) {
    lines.push(`${r.ruleId} v${r.version} (${r.trigger})`);
    for (const o of r.occurrences) {
      const step = o.step === undefined ? '' : ` [${o.step}]`;
      const outcome =
        o.outcome === 'exited'
          ? `${OUTCOME_TEXT.exited} ${o.reason ?? 'exit'}`
          : OUTCOME_TEXT[o.outcome];
      lines.push(`  ${o.occurrence}${step} at ${iso(o.at)}: ${outcome}`);
      for (const a of o.actions ?? []) {
        const what =
          a.outcome === 'planned'
            ? `due ${iso(a.dueAt!)}`
            : `suppressed (${a.reason === 'expired' ? 'deferred past expireAfter' : 'frequency cap'})`;
        const missing =
          a.missing !== undefined && a.missing.length > 0
            ? `; missing ${a.missing.join(', ')}`
            : '';
        lines.push(`    ${a.channel} ${a.template}: ${what}${missing}`);
      }
      if (o.outcome === 'conditions_failed') trace('conditions', o.conditions, '    ');
    }
    for (const w of r.waiting) {
      lines.push(
        `  waiting: ${w.occurrence}${w.step === undefined ? '' : ` [${w.step}]`} fires at ${iso(w.at)}`,
      );
    }
    for (const c of r.cancelled) lines.push(`  cancelled ${c.key} (${c.reason}, ${c.occurrence})`);
    if (r.occurrences.length === 0 && r.waiting.length === 0) lines.push('  nothing to do');
    trace('trigger condition', r.triggerCondition, '  ');
    trace('exit', r.exit, '  ');
    trace('goal', r.goal, '  ');
    trace('conditions now', r.conditions, '  ');
  }
  return lines;
}
