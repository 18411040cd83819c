import { describe, expectTypeOf, it } from 'vitest';
import type { PlannedAction } from '../core/action';
import type { InstantInput } from '../core/instant';
import {
  type CompiledRules,
  compileRules,
  defineRule,
  type ExplainedTriggerEvaluation,
  evaluateTriggers,
  type RuleTrigger,
  renderTemplate,
  type TemplateRendering,
  type TriggerContext,
  type TriggerEvaluation,
  type TriggerHistory,
  type TriggerRule,
  type TriggerState,
  updateTriggerHistory,
} from './index';

describe('triggers public types', () => {
  const rule = defineRule({
    id: 'r',
    version: 1,
    trigger: { kind: 'eventWithout', event: 'cart_added', without: 'order_placed', within: '3h' },
    actions: [{ channel: 'email', template: 'faq' }],
  });

  it('rules are checked structurally, per trigger kind', () => {
    expectTypeOf(rule).toEqualTypeOf<TriggerRule>();
    expectTypeOf<{
      kind: 'milestone';
      fact: string;
      thresholds: number[];
    }>().toExtend<RuleTrigger>();
    // @ts-expect-error a date trigger needs offsets
    const noOffsets: RuleTrigger = { kind: 'date', fact: 'signedUpAt' };
    // @ts-expect-error unknown trigger kinds do not compile
    const unknownKind: RuleTrigger = { kind: 'sometimes', event: 'x' };
    // @ts-expect-error channels are a closed set
    defineRule({ ...rule, actions: [{ channel: 'fax', template: 't' }] });
    // @ts-expect-error re-entry is 'once', 'every' or { oncePer }
    defineRule({ ...rule, reentry: 'twice' });
    void noOffsets;
    void unknownKind;
  });

  it('the evaluator takes a context and an instant, and returns state, actions, cancel and next', () => {
    const rules = compileRules([rule], { caps: [{ max: 3, per: '7d' }] });
    expectTypeOf(rules).toEqualTypeOf<CompiledRules>();
    expectTypeOf(rules.evaluate).parameter(0).toEqualTypeOf<TriggerContext>();
    const r = rules.evaluate({ customerId: 'c' }, '2026-06-01T00:00:00Z');
    expectTypeOf(r).toEqualTypeOf<TriggerEvaluation>();
    expectTypeOf(r.state).toEqualTypeOf<TriggerState>();
    expectTypeOf(r.actions).toEqualTypeOf<readonly PlannedAction[]>();
    expectTypeOf(r.nextEvaluationAt).toEqualTypeOf<number | null>();
    expectTypeOf(rules.explain({ customerId: 'c' }, 0)).toEqualTypeOf<ExplainedTriggerEvaluation>();
    // @ts-expect-error the customer id is required
    rules.evaluate({ facts: {} }, 0);
    // @ts-expect-error facts are JSON
    rules.evaluate({ customerId: 'c', facts: { at: new Map() } }, 0);
    // @ts-expect-error options object only
    compileRules([rule], true);
  });

  it('the standalone evaluator takes compiled rules, a context and an instant', () => {
    const rules = compileRules([rule]);
    expectTypeOf(evaluateTriggers).parameters.toEqualTypeOf<
      [CompiledRules, TriggerContext, InstantInput]
    >();
    expectTypeOf(
      evaluateTriggers(rules, { customerId: 'c' }, 0),
    ).toEqualTypeOf<TriggerEvaluation>();
    // @ts-expect-error rules must be compiled first
    evaluateTriggers([rule], { customerId: 'c' }, 0);
  });

  it('history and templates', () => {
    expectTypeOf(updateTriggerHistory(undefined, [])).toEqualTypeOf<TriggerHistory>();
    expectTypeOf(renderTemplate('{{a}}', {})).toEqualTypeOf<TemplateRendering>();
  });
});
