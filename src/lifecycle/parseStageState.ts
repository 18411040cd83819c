import * as z from 'zod';
import { failInput } from '../core/errors';
import { lazy } from '../core/lazy';
import { parseInput, zJsonRecord } from '../core/validate';
import { compiledOf, type StageMachine } from './defineStageMachine';
import { checkState, wakeUp } from './engine';
import type { StageState } from './transition';

const zMs = /* @__PURE__ */ lazy(() => z.number().int().min(-8.64e15).max(8.64e15));

const zState = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    machine: z.string(),
    version: z.number().int().min(1),
    stage: z.string(),
    seq: z.number().int().min(1),
    signedUpAt: zMs(),
    timeZone: z.string(),
    asOf: zMs(),
    history: z
      .array(
        z.strictObject({
          stage: z.string(),
          at: zMs(),
          elapsed: zMs().min(0).optional(),
          until: zMs().optional(),
        }),
      )
      .min(1),
    milestones: z.record(z.string(), zMs()),
    interrupted: z.array(
      z.strictObject({
        stage: z.string(),
        elapsed: zMs().min(0),
        remaining: zMs().min(0).optional(),
      }),
    ),
    pending: z.array(
      z.strictObject({
        type: z.string().min(1),
        at: zMs(),
        id: z.string().optional(),
        properties: zJsonRecord().optional(),
      }),
    ),
    wakeAt: zMs().nullable(),
  }),
);

/**
 * Reads a state back from storage: checks every field of the JSON (types, instants as integer
 * epoch milliseconds, history entries in time order), then checks it against the machine and
 * migrates it from an older version. {@link transition} trusts its `state` argument beyond a few
 * cheap checks; pass states that come from outside your own code through this first.
 *
 * @param machine - The machine, from {@link defineStageMachine}.
 * @param value - The stored value, e.g. from `JSON.parse`.
 * @returns The state, at the machine's version.
 * @throws {RetentionInputError} Naming the path of the first malformed field, or when the state
 * belongs to another machine or names an undeclared stage.
 * @throws {RetentionError} With code `unknown_version` when the state's version cannot be read.
 *
 * @example
 * const machine = onboardingMachine();
 * const stored = JSON.stringify(startStageMachine(machine, { signedUpAt: '2026-03-01' }).state);
 * parseStageState(machine, JSON.parse(stored)).stage
 * //=> 'orientation'
 *
 * @example
 * parseStageState(onboardingMachine(), { machine: 'onboarding', version: 1, stage: 'orientation' })
 * //=> throws 'parseStageState: state.seq is required (and 8 more issue(s))'
 *
 * @category lifecycle
 */
export function parseStageState<S extends string, F>(
  machine: StageMachine<S, F>,
  value: unknown,
): StageState {
  const fn = 'parseStageState';
  const m = compiledOf(machine as StageMachine, fn);
  const state = parseInput(zState(), value, { fn, root: 'state' }) as StageState;
  const history = state.history;
  for (let i = 1; i < history.length; i++) {
    if (history[i]!.at < history[i - 1]!.at) {
      failInput(
        { fn, path: ['history', i, 'at'], root: 'state' },
        { code: 'order', path: [], expected: 'entries in time order' },
      );
    }
  }
  const checked = checkState(m, state, fn);
  // the stored wake-up is derived data: recompute it rather than trust it
  const wakeAt = wakeUp(compiledOf(machine as StageMachine, fn), checked);
  return wakeAt === checked.wakeAt ? checked : { ...checked, wakeAt };
}
