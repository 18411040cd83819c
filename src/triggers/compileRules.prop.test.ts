import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import {
  arbEvents,
  arbFacts,
  arbGlobalCaps,
  arbRules,
  arbZone,
  GRID,
  simulate,
  T0,
} from '../../test/helpers/triggerArbitraries';
import type { PlannedAction } from '../core/action';
import { parseFrequencyCaps } from '../core/caps';
import { nextInSendWindow } from '../core/schedule';
import { compileRules } from './compileRules';
import type { TriggerRule } from './defineRule';

/** Planned actions of a run, minus those cancelled later. */
function delivered(steps: ReturnType<typeof simulate>): PlannedAction[] {
  const cancelled = new Set(steps.flatMap((s) => s.result.cancel.map((c) => c.key)));
  return steps.flatMap((s) => s.result.actions).filter((a) => !cancelled.has(a.key));
}

const line = (a: PlannedAction) => `${a.key}@${a.dueAt}`;

/** Ticks at the grid points `ks` (sorted), each with the events since the tick before. */
function* ticksOf<E extends { readonly at: unknown }>(events: readonly E[], ks: readonly number[]) {
  let seen = T0 - 1;
  for (const k of [...ks].sort((a, b) => a - b)) {
    const now = T0 + k * GRID;
    yield { now, batch: events.filter((e) => (e.at as number) > seen && (e.at as number) <= now) };
    seen = now;
  }
}

describe('evaluate properties', () => {
  it('is deterministic and does not mutate its inputs', () => {
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true, ruleCaps: true, optOut: true }),
        arbGlobalCaps,
        arbFacts,
        arbEvents,
        arbZone,
        fc.integer({ min: 0, max: 12 * 96 }),
        (rules, caps, rawFacts, events, timeZone, k) => {
          const compiled = compileRules(rules, { caps });
          // fast-check builds records without a prototype; stored JSON has one
          const facts = JSON.parse(JSON.stringify(rawFacts));
          const now = T0 + k * GRID;
          const half = events.filter((e) => (e.at as number) <= now);
          const first = assertPure(
            (c, n) => compiled.evaluate(c, n),
            { customerId: 'c1', timeZone, facts, events: half },
            now,
          );
          assertPure(
            (c, n) => compiled.explain(c, n),
            {
              customerId: 'c1',
              timeZone,
              facts,
              events: events.filter((e) => !half.includes(e)),
              state: first.state,
            },
            now + 3 * GRID,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('evaluate skips only rules with nothing to do: its result equals explain, which skips none', () => {
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true, ruleCaps: true, optOut: true }),
        arbGlobalCaps,
        arbFacts,
        arbEvents,
        arbZone,
        fc.array(fc.integer({ min: 0, max: 12 * 96 }), { minLength: 1, maxLength: 4 }),
        (rules, caps, rawFacts, events, timeZone, ks) => {
          const compiled = compileRules(rules, { caps });
          const facts = JSON.parse(JSON.stringify(rawFacts));
          let state: Parameters<typeof compiled.evaluate>[0]['state'];
          for (const { now, batch } of ticksOf(events, ks)) {
            const context = {
              customerId: 'c1',
              timeZone,
              facts,
              events: batch,
              ...(state === undefined ? {} : { state }),
            };
            const evaluated = compiled.evaluate(context, now);
            const { rules: _explanations, ...explained } = compiled.explain(context, now);
            expect(evaluated).toEqual(explained);
            state = JSON.parse(JSON.stringify(evaluated.state));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('without caps, a rule plans, cancels, keeps and schedules the same beside other rules as alone', () => {
    // Rules share one evaluation (its history lookups, fact reads, `$events` view and next
    // instant) and skip together when nothing can wake them; none of it may leak between rules.
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true }),
        arbFacts,
        arbEvents,
        arbZone,
        fc.array(fc.integer({ min: 0, max: 12 * 96 }), { minLength: 1, maxLength: 4 }),
        (rules, rawFacts, events, timeZone, ks) => {
          const together = compileRules(rules);
          const alone = rules.map((r) => compileRules([r]));
          const facts = JSON.parse(JSON.stringify(rawFacts));
          type State = Parameters<typeof together.evaluate>[0]['state'];
          const context = (batch: typeof events, state: State) => ({
            customerId: 'c1',
            timeZone,
            facts,
            events: batch,
            ...(state === undefined ? {} : { state }),
          });
          const byKey = <T extends { key: string }>(list: readonly T[]) =>
            [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          let state: State;
          let states: State[] = rules.map(() => undefined);
          for (const { now, batch } of ticksOf(events, ks)) {
            const all = together.evaluate(context(batch, state), now);
            const each = alone.map((c, i) => c.evaluate(context(batch, states[i]), now));
            expect(byKey(all.actions)).toEqual(byKey(each.flatMap((e) => e.actions)));
            expect(byKey(all.cancel)).toEqual(byKey(each.flatMap((e) => e.cancel)));
            expect(byKey(all.state.pending)).toEqual(byKey(each.flatMap((e) => e.state.pending)));
            const nexts = each.flatMap((e) =>
              e.nextEvaluationAt === null ? [] : [e.nextEvaluationAt],
            );
            expect(all.nextEvaluationAt).toBe(nexts.length === 0 ? null : Math.min(...nexts));
            rules.forEach((r, i) => {
              expect(all.state.rules[r.id]).toEqual(each[i]!.state.rules[r.id]);
            });
            state = JSON.parse(JSON.stringify(all.state));
            states = each.map((e) => JSON.parse(JSON.stringify(e.state)));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('following nextEvaluationAt plans exactly what evaluating at every grid point plans', () => {
    fc.assert(
      fc.property(
        arbRules({ ruleCaps: true, optOut: true }),
        arbGlobalCaps,
        arbFacts,
        arbEvents,
        arbZone,
        (rules, caps, facts, events, timeZone) => {
          const compiled = compileRules(rules, { caps });
          const options = { timeZone, facts: () => facts };
          const scheduled = simulate(compiled, events, options);
          const stepping = simulate(compiled, events, { ...options, stepping: true });
          const lines = (steps: typeof scheduled) =>
            steps
              .flatMap((s) => s.result.actions)
              .map(line)
              .sort();
          const cancels = (steps: typeof scheduled) =>
            steps.flatMap((s) => s.result.cancel.map((c) => c.key)).sort();
          expect(lines(scheduled)).toEqual(lines(stepping));
          expect(cancels(scheduled)).toEqual(cancels(stepping));
          // and the scheduler needed far fewer evaluations
          expect(scheduled.length).toBeLessThanOrEqual(stepping.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('nextEvaluationAt is later than now, and nothing is planned or cancelled before it', () => {
    fc.assert(
      fc.property(
        arbRules({ nowOperators: true, ruleCaps: true }),
        arbGlobalCaps,
        arbFacts,
        arbEvents,
        arbZone,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }),
        (rules, caps, facts, events, timeZone, probes) => {
          const compiled = compileRules(rules, { caps });
          const steps = simulate(compiled, events, { timeZone, facts: () => facts });
          for (const s of steps) {
            const next = s.result.nextEvaluationAt;
            if (next !== null) expect(next).toBeGreaterThan(s.now);
            const until = next ?? s.now + 30 * 86_400_000;
            const times = [
              s.now + 1,
              until - 1,
              ...probes.map((p) => Math.floor(s.now + 1 + p * (until - s.now - 2))),
            ];
            for (const t of times) {
              if (t <= s.now || t >= until) continue;
              const probe = compiled.evaluate(
                { customerId: 'c1', timeZone, facts, state: s.result.state },
                t,
              );
              expect(probe.actions).toEqual([]);
              expect(probe.cancel).toEqual([]);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never plans inside quiet hours', () => {
    fc.assert(
      fc.property(
        arbRules({ ruleCaps: true, deferOnCap: true }),
        arbGlobalCaps,
        arbFacts,
        arbEvents,
        arbZone,
        (rules, caps, facts, events, timeZone) => {
          const compiled = compileRules(rules, { caps });
          const windows = new Map(rules.map((r) => [r.id, r.delivery?.sendWindow]));
          for (const a of simulate(compiled, events, { timeZone, facts: () => facts }).flatMap(
            (s) => s.result.actions,
          )) {
            const window = windows.get(a.source.definitionId);
            if (window !== undefined)
              expect(nextInSendWindow(a.dueAt, window, timeZone)).toBe(a.dueAt);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never exceeds a frequency cap', () => {
    fc.assert(
      fc.property(
        arbRules({ ruleCaps: true }),
        arbGlobalCaps.filter((c) => c.length > 0),
        arbFacts,
        arbEvents,
        arbZone,
        (rules, caps, facts, events, timeZone) => {
          const compiled = compileRules(rules, { caps });
          const actions = delivered(simulate(compiled, events, { timeZone, facts: () => facts }));
          const check = (
            cap: ReturnType<typeof parseFrequencyCaps>[number],
            group: PlannedAction[],
          ) => {
            const times = group
              .filter((a) => cap.channel === undefined || a.channel === cap.channel)
              .map((a) => a.dueAt);
            for (const end of times) {
              const inWindow = times.filter((t) => t > end - cap.perMs && t <= end).length;
              expect(inWindow).toBeLessThanOrEqual(cap.max);
            }
          };
          const groupBy = (key: (a: PlannedAction) => string) => {
            const m = new Map<string, PlannedAction[]>();
            for (const a of actions) m.set(key(a), [...(m.get(key(a)) ?? []), a]);
            return [...m.values()];
          };
          for (const cap of parseFrequencyCaps(caps)) {
            const groups =
              cap.scope === 'customer'
                ? [actions]
                : groupBy((a) => (cap.scope === 'channel' ? a.channel : a.source.definitionId));
            for (const g of groups) check(cap, g);
          }
          for (const rule of rules) {
            for (const cap of parseFrequencyCaps(rule.delivery?.caps ?? [])) {
              check(
                cap,
                actions.filter((a) => a.source.definitionId === rule.id),
              );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never plans or keeps an action after an exit or a goal', () => {
    fc.assert(
      fc.property(
        arbRules(),
        arbFacts,
        arbEvents,
        arbZone,
        fc.integer({ min: 0, max: 12 * 96 }),
        (rules, facts, events, timeZone, flagAt) => {
          const compiled = compileRules(rules);
          const switchAt = T0 + flagAt * GRID;
          const factsAt = (now: number) => ({ ...facts, flag: now >= switchAt });
          const byId = new Map<string, TriggerRule>(rules.map((r) => [r.id, r]));
          // evaluate at every grid point so fact changes are seen when they happen
          const steps = simulate(compiled, events, {
            timeZone,
            facts: factsAt,
            stepping: true,
          }).filter((s) => s.now <= T0 + 4 * 86_400_000);
          const cancelled = new Set(steps.flatMap((s) => s.result.cancel.map((c) => c.key)));
          const lastNow = steps[steps.length - 1]!.now;
          for (const s of steps) {
            for (const rule of rules) {
              const exitHolds =
                s.now >= switchAt &&
                (rule.exit?.condition !== undefined || rule.goal?.condition !== undefined);
              if (!exitHolds) continue;
              expect(s.result.actions.filter((a) => a.source.definitionId === rule.id)).toEqual([]);
              expect(
                s.result.state.pending.filter((p) => p.definitionId === rule.id && p.at > s.now),
              ).toEqual([]);
            }
            // replay with explanations to learn when each planned occurrence started
            const explained = compiled.explain(
              {
                customerId: 'c1',
                timeZone,
                facts: factsAt(s.now),
                events: [...s.events],
                ...(s.input === undefined ? {} : { state: s.input }),
              },
              s.now,
            );
            for (const r of explained.rules) {
              const rule = byId.get(r.ruleId)!;
              const ends = [...(rule.exit?.events ?? []), ...(rule.goal?.events ?? [])];
              for (const o of r.occurrences) {
                for (const a of o.actions ?? []) {
                  if (a.outcome !== 'planned' || cancelled.has(a.key)) continue;
                  for (const e of events) {
                    const g = e.at as number;
                    if (!ends.includes(e.type) || g > lastNow) continue;
                    const violates = o.since < g && (g < a.dueAt! || g <= s.now);
                    expect(violates, `${r.ruleId} ${o.occurrence} ${a.key} vs ${e.id}`).toBe(false);
                  }
                }
              }
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('counts $events.<type>.within.<d> as the events in (now - d, now], folded in any batches', () => {
    fc.assert(
      fc.property(
        // instants on a coarse grid so that events land exactly on both window edges
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 32 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 32 }),
        (slots, hours, nowSlot, split) => {
          const H = 3_600_000;
          const compiled = compileRules([
            {
              id: 'count',
              version: 1,
              trigger: {
                kind: 'condition',
                condition: { fact: `$events.login.within.${hours}h`, op: 'gte', value: 0 },
              },
              actions: [{ channel: 'email', template: 't' }],
            },
          ]);
          const events = slots.map((s, i) => ({
            id: `e${i}`,
            customerId: 'c1',
            type: 'login',
            at: T0 + s * H,
          }));
          const now = T0 + nowSlot * H;
          const past = events.filter((e) => e.at <= now);
          // two batches: the state folds the first, the evaluation the rest
          const state = compiled.initialState({ events: past.slice(0, split) });
          const r = compiled.explain(
            { customerId: 'c1', timeZone: 'UTC', state, events: past.slice(split) },
            now,
          );
          const trace = r.rules[0]!.triggerCondition as { actual?: unknown } | undefined;
          const expected = past.filter((e) => e.at > now - hours * H && e.at <= now).length;
          expect(trace?.actual).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives an occurrence the same key when a lost evaluation is replayed later', () => {
    fc.assert(
      fc.property(
        arbRules({ everyOnly: true, factsOnlyConditions: true }),
        arbFacts,
        arbEvents,
        arbZone,
        fc.nat(),
        fc.integer({ min: 1, max: 6 }),
        (rules, facts, events, timeZone, from, span) => {
          const compiled = compileRules(rules);
          const steps = simulate(compiled, events, { timeZone, facts: () => facts });
          const k = from % steps.length;
          const last = Math.min(steps.length - 1, k + span);
          const original = new Set(
            steps.slice(k, last + 1).flatMap((s) => s.result.actions.map((a) => a.key)),
          );
          const replay = compiled.evaluate(
            {
              customerId: 'c1',
              timeZone,
              facts,
              events: steps.slice(k, last + 1).flatMap((s) => s.events),
              ...(steps[k]!.input === undefined ? {} : { state: steps[k]!.input }),
            },
            steps[last]!.now,
          );
          for (const a of replay.actions)
            expect(original.has(a.key), `${a.source.definitionId} ${a.source.occurrence}`).toBe(
              true,
            );
          // and no key is ever planned twice along one run
          const all = steps.flatMap((s) => s.result.actions.map((a) => a.key));
          expect(new Set(all).size).toBe(all.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
