import { describe, expect, it } from 'vitest';
import type { DurationInput } from '../core/duration';
import { RetentionDefinitionError } from '../core/errors';
import {
  defineStageMachine,
  type StageMachineDefinition,
  type StageTransitionDefinition,
} from './defineStageMachine';

type Def = StageMachineDefinition<string, unknown>;
type After = DurationInput | 'hold';

/** A minimal valid machine: a -> b on `go`, b final. */
function base(overrides: Partial<Def> = {}): Def {
  return {
    id: 'm',
    version: 1,
    initial: 'a',
    stages: { a: { transitions: [{ on: 'go', target: 'b' }] }, b: { final: true } },
    ...overrides,
  };
}

/** A machine whose stage `a` has the given transitions (and b, c final). */
function withTransitions(transitions: StageTransitionDefinition<string, unknown>[]): Def {
  return base({
    stages: {
      a: { hold: { default: '1d' }, transitions },
      b: { final: true },
      c: { transitions: [{ on: 'back', target: 'a' }] },
    },
  });
}

function issuesOf(def: unknown, options = {}) {
  try {
    defineStageMachine(def as Def, options);
  } catch (error) {
    if (error instanceof RetentionDefinitionError) {
      return error.issues.map((i) => [i.code, i.path.join('.')]);
    }
    throw error;
  }
  return [];
}

describe('defineStageMachine', () => {
  it('returns the id, version, stages in order and the definition', () => {
    const def = base();
    const machine = defineStageMachine(def);
    expect(machine).toMatchObject({ id: 'm', version: 1, initial: 'a', stages: ['a', 'b'] });
    expect(machine.definition).toBe(def);
    expect(machine.serializable).toBe(true);
    expect(Object.isFrozen(machine)).toBe(true);
  });

  it('marks a machine with a code guard as not serialisable', () => {
    const machine = defineStageMachine(
      withTransitions([
        { on: 'go', target: 'b', guard: () => true },
        { on: 'x', target: 'c' },
      ]),
    );
    expect(machine.serializable).toBe(false);
  });

  it('does not mutate the definition', () => {
    const def = base();
    const copy = structuredClone(def);
    defineStageMachine(def);
    expect(def).toEqual(copy);
  });

  it('rejects unknown targets and an unknown initial stage, with their paths', () => {
    expect(() =>
      defineStageMachine(
        base({ initial: 'nope', stages: { a: { transitions: [{ on: 'go', target: 'z' }] } } }),
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.initial refers to something that does not exist (expected a declared stage) (and 1 more issue(s))]`,
    );
    expect(
      issuesOf(
        base({ initial: 'nope', stages: { a: { transitions: [{ on: 'go', target: 'z' }] } } }),
      ),
    ).toEqual([
      ['unknown_reference', 'initial'],
      ['unknown_reference', 'stages.a.transitions.0.target'],
    ]);
  });

  it('rejects unreachable stages', () => {
    const def = base({
      stages: {
        a: { transitions: [{ on: 'go', target: 'b' }] },
        b: { final: true },
        island: { transitions: [{ on: 'go', target: 'a' }] },
      },
    });
    expect(() => defineStageMachine(def)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.stages.island cannot be reached: no transition leads to it from "a"]`,
    );
  });

  it('takes a resume as a way out, leading back to the stages that enter the stage', () => {
    // `p` has no exit but a resume, which is enough; a resume leads only where customers came
    // from, so it makes nothing new reachable.
    const def = base({
      stages: {
        a: { transitions: [{ on: 'pause', target: 'p' }] },
        p: { transitions: [{ on: 'back', resume: true }] },
        b: { final: true },
      },
    });
    expect(issuesOf(def)).toEqual([['unreachable', 'stages.b']]);
  });

  it('rejects a stage with no way out unless it is final, and a final stage with transitions', () => {
    expect(
      issuesOf(
        base({
          stages: {
            a: {
              transitions: [
                { on: 'go', target: 'b' },
                { on: 'stay', target: 'a' },
              ],
            },
            b: { transitions: [{ on: 'again', target: 'b' }] },
          },
        }),
      ),
    ).toEqual([['invalid_value', 'stages.b']]);
    expect(() =>
      defineStageMachine(
        base({ stages: { a: { transitions: [{ on: 'go', target: 'b' }] }, b: {} } }),
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.stages.b has an invalid value: the stage has no way out; add a transition or mark it final]`,
    );
    expect(
      issuesOf(
        base({
          stages: {
            a: { transitions: [{ on: 'go', target: 'b' }] },
            b: { final: true, transitions: [{ on: 'go', target: 'a' }] },
          },
        }),
      ),
    ).toEqual([['invalid_value', 'stages.b.final']]);
  });

  describe('ambiguity', () => {
    it('two transitions on the same event need distinct priorities', () => {
      expect(
        issuesOf(
          withTransitions([
            { on: 'go', target: 'b' },
            { on: 'go', target: 'c', guard: { fact: 'event.type', op: 'eq', value: 'go' } },
          ]),
        ),
      ).toEqual([['ambiguous', 'stages.a.transitions.1']]);
      expect(
        issuesOf(
          withTransitions([
            { on: 'go', target: 'b' },
            { on: 'go', target: 'c', priority: 1 },
          ]),
        ),
      ).toEqual([]);
      expect(
        issuesOf(
          withTransitions([
            { on: 'go', target: 'b' },
            { on: 'other', target: 'c' },
          ]),
        ),
      ).toEqual([]);
    });

    it('two eventless transitions need distinct priorities', () => {
      const guard = { fact: 'facts.x', op: 'exists' } as const;
      expect(
        issuesOf(
          withTransitions([
            { guard, target: 'b' },
            { guard, target: 'c' },
          ]),
        ),
      ).toEqual([['ambiguous', 'stages.a.transitions.1']]);
      expect(
        issuesOf(
          withTransitions([
            { guard, target: 'b' },
            { guard, target: 'c', priority: -1 },
          ]),
        ),
      ).toEqual([]);
    });

    it('time transitions that can fall due together need distinct priorities', () => {
      const cases: [After, 'stage' | 'signup', After, 'stage' | 'signup', boolean][] = [
        ['7d', 'stage', '7d', 'stage', true],
        ['7d', 'stage', '30d', 'stage', false],
        ['7d', 'stage', '7d', 'signup', true],
        ['7d', 'stage', { days: 7 }, 'stage', true],
        [{ days: 7 }, 'stage', { weeks: 1 }, 'stage', true],
        [{ days: 7 }, 'stage', { days: 30 }, 'stage', false],
        [{ months: 1 }, 'stage', { days: 30 }, 'stage', true],
        [{ months: 1 }, 'stage', { months: 1, days: 1 }, 'stage', false],
        [{ days: 1 }, 'stage', { hours: 24 }, 'stage', true],
        [{ months: 1, hours: 2 }, 'stage', { months: 2, hours: 1 }, 'stage', true],
        ['hold', 'stage', '7d', 'stage', true],
      ];
      for (const [a, sinceA, b, sinceB, ambiguous] of cases) {
        const t = (
          after: After,
          since: 'stage' | 'signup',
          target: string,
        ): StageTransitionDefinition<string, unknown> =>
          after === 'hold' ? { after, target } : { after, since, target };
        const issues = issuesOf(withTransitions([t(a, sinceA, 'b'), t(b, sinceB, 'c')]));
        expect(issues, JSON.stringify([a, sinceA, b, sinceB])).toEqual(
          ambiguous ? [['ambiguous', 'stages.a.transitions.1']] : [],
        );
      }
    });

    it('an eventless and a time transition, or an event and anything else, never compete', () => {
      expect(
        issuesOf(
          withTransitions([
            { guard: { fact: 'facts.x', op: 'exists' }, target: 'b' },
            { after: '0ms', target: 'c' },
            { on: 'go', target: 'b' },
          ]),
        ),
      ).toEqual([]);
    });

    it('reports the message with the path of the later transition', () => {
      expect(() =>
        defineStageMachine(
          withTransitions([
            { after: '7d', target: 'b' },
            { after: { weeks: 1 }, target: 'c' },
          ]),
        ),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionDefinitionError: defineStageMachine: definition.stages.a.transitions[1] is ambiguous: it can fire on the same input as transitions[0]; give them different priorities]`,
      );
    });
  });

  it('rejects malformed transitions, each at its path', () => {
    expect(
      issuesOf(
        base({
          stages: {
            a: {
              transitions: [
                { on: 'go', after: '1d', target: 'b' },
                { on: 'go2', since: 'signup', target: 'b' },
                { target: 'b' },
                { after: 'hold', target: 'b' },
                { on: 'go3', target: 'b', resume: true },
                { on: 'go4' },
                { guard: { fact: 'facts.x', op: 'exists' }, target: 'a', priority: 2 },
              ],
            },
            b: { final: true },
          },
        }),
      ),
    ).toEqual([
      ['invalid_value', 'stages.a.transitions.0'],
      ['invalid_value', 'stages.a.transitions.1.since'],
      ['required', 'stages.a.transitions.2.guard'],
      ['invalid_value', 'stages.a.transitions.3.after'],
      ['invalid_value', 'stages.a.transitions.4'],
      ['invalid_value', 'stages.a.transitions.5'],
      ['invalid_value', 'stages.a.transitions.6.target'],
    ]);
  });

  it('checks what guards read', () => {
    expect(
      issuesOf(
        base({
          milestones: ['first_value'],
          stages: {
            a: {
              transitions: [
                { on: 'go', target: 'b', guard: { fact: 'plan', op: 'eq', value: 'x' } },
                { after: '1d', target: 'b', guard: { fact: 'event.properties.x', op: 'exists' } },
                { on: 'go2', target: 'b', guard: { fact: 'milestones.activated', op: 'exists' } },
                { on: 'go3', target: 'b', guard: { fact: 'milestones.first_value', op: 'exists' } },
              ],
            },
            b: { final: true },
          },
        }),
      ),
    ).toEqual([
      ['unknown_reference', 'stages.a.transitions.0.guard'],
      ['invalid_value', 'stages.a.transitions.1.guard'],
      ['unknown_reference', 'stages.a.transitions.2.guard'],
    ]);
    // a malformed condition is a schema issue, reported at its path inside the guard
    expect(
      issuesOf(
        base({
          stages: {
            a: {
              transitions: [
                {
                  on: 'go',
                  target: 'b',
                  guard: { fact: 'facts.plan', op: 'matches', value: '.*' },
                },
              ],
            },
            b: { final: true },
          },
        } as unknown as Def),
      ),
    ).toEqual([['invalid_enum', 'stages.a.transitions.0.guard.op']]);
    expect(() =>
      defineStageMachine(
        base({
          stages: {
            a: { transitions: [{ on: 'go', target: 'b', guard: { fact: 'plan', op: 'exists' } }] },
            b: { final: true },
          },
        }),
      ),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.stages.a.transitions[0].guard refers to something that does not exist: a guard reads "plan", but facts start with facts, event, milestones, stage, interrupted, signedUpAt, now]`,
    );
  });

  it('rejects malformed fields through the schema, with every issue', () => {
    expect(
      issuesOf({
        id: '',
        version: 0,
        initial: 'a',
        stages: {
          a: { goal: 3, transitions: [{ on: 'go', target: 'a', after: 'soon' }], extra: 1 },
        },
        skew: { minutes: 5 },
      }),
    ).toEqual([
      ['invalid_value', 'id'],
      ['out_of_range', 'version'],
      ['invalid_type', 'stages.a.goal'],
      ['invalid_duration', 'stages.a.transitions.0.after'],
      ['unknown_key', 'stages.a.extra'],
      ['invalid_duration', 'skew'],
    ]);
    expect(() =>
      defineStageMachine({ ...base(), historyLimit: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.historyLimit is out of range (expected >= 2)]`,
    );
  });

  it('rejects unsafe or malformed stage ids and hold paths', () => {
    const stages = JSON.parse(
      '{"a":{"transitions":[{"on":"go","target":"b"},{"on":"x","target":"__proto__"},{"on":"y","target":"two words"}],"hold":{"default":"1d","property":"__proto__.x"}},"b":{"final":true},"__proto__":{"final":true},"two words":{"final":true}}',
    );
    expect(issuesOf(base({ stages }))).toEqual([
      ['forbidden_key', 'stages.__proto__'],
      ['invalid_value', 'stages.two words'],
      ['forbidden_key', 'stages.a.hold.property'],
    ]);
  });

  describe('migrations', () => {
    it('must come from older versions, once each, into declared stages', () => {
      expect(
        issuesOf(
          base({
            version: 3,
            migrations: [
              { from: 1, stages: { old: 'a' } },
              { from: 1 },
              { from: 3 },
              { from: 2, stages: { old: 'gone' } },
            ],
          }),
        ),
      ).toEqual([
        ['duplicate', 'migrations.1.from'],
        ['out_of_range', 'migrations.2.from'],
        ['unknown_reference', 'migrations.3.stages.old'],
      ]);
    });

    it('with `previous`, must map every stage of every earlier version', () => {
      const v1 = defineStageMachine(
        base({
          stages: {
            a: {
              transitions: [
                { on: 'go', target: 'b' },
                { on: 'x', target: 'c' },
              ],
            },
            b: { final: true },
            c: { final: true },
          },
        }),
      );
      const v2 = (migrations: Def['migrations']) =>
        base({
          version: 2,
          stages: { a: { transitions: [{ on: 'go', target: 'done' }] }, done: { final: true } },
          ...(migrations === undefined ? {} : { migrations }),
        });
      expect(issuesOf(v2(undefined), { previous: [v1] })).toEqual([['required', 'migrations']]);
      expect(issuesOf(v2([{ from: 1, stages: { b: 'done' } }]), { previous: [v1] })).toEqual([
        ['required', 'migrations.0.stages.c'],
      ]);
      expect(
        issuesOf(v2([{ from: 1, stages: { b: 'done', c: 'done' } }]), { previous: [v1] }),
      ).toEqual([]);
      expect(() =>
        defineStageMachine(v2([{ from: 1, stages: { b: 'done' } }]), { previous: [v1] }),
      ).toThrowErrorMatchingInlineSnapshot(
        `[RetentionDefinitionError: defineStageMachine: definition.migrations[0].stages.c is required: stage "c" of version 1 is not mapped]`,
      );
      const other = defineStageMachine({ ...base(), id: 'other' });
      expect(
        issuesOf(v2([{ from: 1, stages: { b: 'done', c: 'done' } }]), { previous: [other] }),
      ).toEqual([['invalid_value', 'options.previous.0']]);
    });
  });
});

describe('instant cycles', () => {
  it('rejects a cycle of unguarded time transitions that fire on entry', () => {
    expect(() =>
      defineStageMachine({
        id: 'm',
        version: 1,
        initial: 'a',
        stages: {
          a: { transitions: [{ after: '1d', since: 'signup', target: 'b' }] },
          b: { transitions: [{ after: 0, target: 'a' }] },
        },
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineStageMachine: definition.stages.b.transitions[0] has an invalid value: it closes a cycle of unguarded time transitions that fire on entry (since signup, or of zero length), which would never stop]`,
    );
  });

  it('accepts such a cycle when a guard can break it, or a stage clock must run', () => {
    const guard = { fact: 'milestones.x', op: 'exists' } as const;
    for (const back of [
      { after: 0, target: 'a', guard },
      { after: '1h', target: 'a' },
    ] as const) {
      expect(() =>
        defineStageMachine({
          id: 'm',
          version: 1,
          initial: 'a',
          milestones: ['x'],
          stages: {
            a: { transitions: [{ after: '1d', since: 'signup', target: 'b' }] },
            b: { transitions: [back] },
          },
        }),
      ).not.toThrow();
    }
  });
});
