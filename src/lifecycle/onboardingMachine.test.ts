import { describe, expect, it } from 'vitest';
import { addDuration } from '../core/duration';
import { defineStageMachine } from './defineStageMachine';
import { nextWakeUp } from './nextWakeUp';
import { onboardingDefinition, onboardingMachine } from './onboardingMachine';
import { startStageMachine } from './startStageMachine';
import { timeInStage } from './timeInStage';
import type { StageChange, StageEvent, StageState } from './transition';
import { transition } from './transition';

const DAY = 86_400_000;
const ZONE = 'Europe/Berlin';
/** Monday 2 March 2026, 09:00 in Berlin (CET): the clocks go forward on 29 March. */
const SIGNUP = Date.UTC(2026, 2, 2, 8);
const day = (n: number, hours = 0) => SIGNUP + n * DAY + hours * 3_600_000;
const calendar = (from: number, duration: Parameters<typeof addDuration>[1]) =>
  addDuration(from, duration, { timeZone: ZONE });

/**
 * Drives one customer the way the engine will: each event when it happens, and a tick whenever
 * nextWakeUp falls due before it (and until `until`). Returns the state and every change.
 */
function journey(events: readonly StageEvent[], until: number, signedUpAt = SIGNUP) {
  const machine = onboardingMachine();
  const start = startStageMachine(machine, { signedUpAt, timeZone: ZONE });
  let state: StageState = start.state;
  const changes: StageChange[] = [...start.emitted];
  const tickUntil = (t: number) => {
    for (let due = nextWakeUp(machine, state); due !== null && due <= t; ) {
      const r = transition(machine, state, 'tick', due);
      state = r.state;
      changes.push(...r.emitted);
      due = nextWakeUp(machine, state);
    }
  };
  for (const event of events) {
    const at = event.at as number;
    tickUntil(at);
    const r = transition(machine, state, event, at);
    state = r.state;
    changes.push(...r.emitted);
  }
  tickUntil(until);
  return { state, changes, path: changes.map((c) => [c.to, c.at] as const) };
}

describe('onboardingMachine', () => {
  it('is a valid, serialisable machine whose definition round-trips through JSON', () => {
    const machine = onboardingMachine();
    expect(machine.serializable).toBe(true);
    expect(machine.stages).toEqual([
      'orientation',
      'immersion',
      'rooting',
      'established',
      'paused',
      'at_risk',
      'churned',
      'won_back',
    ]);
    const copy = defineStageMachine(JSON.parse(JSON.stringify(onboardingDefinition())));
    expect(copy.definition).toEqual(machine.definition);
    expect(onboardingMachine()).toBe(machine);
  });

  it('carries the metadata of the domain brief on every stage', () => {
    const { stages } = onboardingDefinition();
    expect(stages.orientation.goal).toBe('a calm, successful start');
    expect(stages.immersion.keyActions).toContain('proactive check-in');
    expect(stages.rooting.successMetric).toContain('NPS');
    for (const stage of Object.values(stages)) {
      expect(stage.goal?.length).toBeGreaterThan(5);
      expect(stage.keyActions?.length).toBeGreaterThan(0);
      expect(stage.successMetric?.length).toBeGreaterThan(5);
    }
  });

  it('on time: first value in week 1, then immersion for weeks 2-4, rooting for months 2-3, then established', () => {
    // Reason: the stages follow the calendar of the brief once the customer has seen value.
    const { path, state } = journey([{ type: 'first_value', at: day(2) }], day(150));
    const immersion = calendar(SIGNUP, { days: 7 });
    const rooting = calendar(immersion, { weeks: 3 });
    const established = calendar(rooting, { months: 2 });
    expect(path).toEqual([
      ['orientation', SIGNUP],
      ['immersion', immersion],
      ['rooting', rooting],
      ['established', established],
    ]);
    // calendar days in the customer's zone: 09:00 Berlin every time, across the clock change
    expect(new Date(rooting).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(state.milestones).toEqual({ first_value: day(2) });
  });

  it('late first value: stays in orientation until it happens, then gets a full immersion', () => {
    // Reason: deepening use makes no sense before the first result; a success manager keeps the
    // customer in orientation and starts immersion the day value arrives, with its three weeks.
    const late = day(12, 5);
    const { path } = journey([{ type: 'first_value', at: late }], day(40));
    expect(path).toEqual([
      ['orientation', SIGNUP],
      ['immersion', late],
      ['rooting', calendar(late, { weeks: 3 })],
    ]);
  });

  it('no first value at all: orientation goes on, with no wake-up to waste', () => {
    const { state, path } = journey([], day(60));
    expect(path).toEqual([['orientation', SIGNUP]]);
    expect(state.stage).toBe('orientation');
    expect(nextWakeUp(onboardingMachine(), state)).toBeNull();
  });

  it('a pause in immersion resumes automatically after a month, and immersion continues where it stopped', () => {
    // Reason: a pause stops the clock. Ten days into immersion-with-first-value-on-day-1, the
    // customer has had 3 of their 21 immersion days; after the month away they get the other 18.
    const pauseAt = day(10);
    const { path, changes } = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'paused', at: pauseAt },
      ],
      day(80),
    );
    const immersion = calendar(SIGNUP, { days: 7 });
    const resume = calendar(pauseAt, { months: 1 });
    const spent = pauseAt - immersion;
    expect(path).toEqual([
      ['orientation', SIGNUP],
      ['immersion', immersion],
      ['paused', pauseAt],
      ['immersion', resume],
      ['rooting', calendar(resume - spent, { weeks: 3 })],
    ]);
    expect(changes[3]).toMatchObject({ from: 'paused', to: 'immersion', resumed: true });
    expect(changes[3]?.cause).toEqual({ kind: 'time', due: resume, transition: 0 });
  });

  it('the pause length is the customer’s choice, capped at three months', () => {
    const chosen = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'paused', at: day(20), properties: { length: { months: 2 } } },
      ],
      day(200),
    );
    expect(chosen.path[3]).toEqual(['immersion', calendar(day(20), { months: 2 })]);

    const tooLong = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'paused', at: day(20), properties: { length: '365d' } },
      ],
      day(200),
    );
    expect(tooLong.path[3]).toEqual(['immersion', calendar(day(20), { months: 3 })]);

    const unreadable = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'paused', at: day(20), properties: { length: 'a while' } },
      ],
      day(200),
    );
    expect(unreadable.path[3]).toEqual(['immersion', calendar(day(20), { months: 1 })]);
  });

  it('resuming early returns at once; cancelling during a pause churns', () => {
    const early = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'paused', at: day(20) },
        { type: 'resumed', at: day(25) },
      ],
      day(26),
    );
    expect(early.path.slice(2)).toEqual([
      ['paused', day(20)],
      ['immersion', day(25)],
    ]);
    const cancelled = journey(
      [
        { type: 'paused', at: day(3) },
        { type: 'cancelled', at: day(9) },
      ],
      day(120),
    );
    expect(cancelled.path.slice(1)).toEqual([
      ['paused', day(3)],
      ['churned', day(9)],
    ]);
  });

  it('a pause in orientation keeps the first week’s clock: the customer still gets seven days', () => {
    // Reason: the week of orientation is about the customer's experience, not the calendar since
    // signup; two days before the pause plus five after it.
    const { path } = journey(
      [
        { type: 'paused', at: day(2) },
        { type: 'first_value', at: day(35) },
      ],
      day(60),
    );
    const resume = calendar(day(2), { months: 1 });
    expect(path.slice(0, 4)).toEqual([
      ['orientation', SIGNUP],
      ['paused', day(2)],
      ['orientation', resume],
      ['immersion', calendar(resume - 2 * DAY, { days: 7 })],
    ]);
  });

  it('a risk in rooting goes to at_risk, and recovery returns to rooting with the time already spent', () => {
    const risk = day(40);
    const recovered = day(50);
    const { path } = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'health_changed', at: risk, properties: { score: 25 } },
        { type: 'health_changed', at: day(45), properties: { score: 50 } },
        { type: 'health_changed', at: recovered, properties: { score: 75 } },
      ],
      day(150),
    );
    const rooting = calendar(calendar(SIGNUP, { days: 7 }), { weeks: 3 });
    expect(path.slice(2)).toEqual([
      ['rooting', rooting],
      ['at_risk', risk],
      // a score of 50 is not yet a recovery (between 40 and 60 the stage holds)
      ['rooting', recovered],
      ['established', calendar(recovered - (risk - rooting), { months: 2 })],
    ]);
  });

  it('a risk before first value returns to orientation on recovery, or moves on once value arrives', () => {
    const recovered = journey(
      [
        { type: 'risk_detected', at: day(3) },
        { type: 'health_changed', at: day(4), properties: { score: 80 } },
      ],
      day(20),
    );
    expect(recovered.path.slice(1)).toEqual([
      ['at_risk', day(3)],
      ['orientation', day(4)],
    ]);
    // First value while at risk counts as recovery: back to orientation, whose clock stopped
    // while the customer was at risk, so its week has four days to go.
    const valued = journey(
      [
        { type: 'risk_detected', at: day(3) },
        { type: 'first_value', at: day(9) },
      ],
      day(20),
    );
    expect(valued.path.slice(1)).toEqual([
      ['at_risk', day(3)],
      ['orientation', day(9)],
      ['immersion', calendar(day(9) - 3 * DAY, { days: 7 })],
    ]);
    // ...and once that week is over, value reached while at risk moves straight on to immersion.
    const over = journey(
      [
        { type: 'risk_detected', at: day(10) },
        { type: 'first_value', at: day(15) },
      ],
      day(20),
    );
    expect(over.path.slice(1)).toEqual([
      ['at_risk', day(10)],
      ['orientation', day(15)],
      ['immersion', day(15)],
    ]);
  });

  it('a pause while at risk resumes to at risk, which still resumes to the stage it interrupted', () => {
    const { path, state } = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'risk_detected', at: day(12) },
        { type: 'paused', at: day(14) },
        { type: 'health_changed', at: day(50), properties: { score: 90 } },
      ],
      day(51),
    );
    const resume = calendar(day(14), { months: 1 });
    expect(path.slice(2)).toEqual([
      ['at_risk', day(12)],
      ['paused', day(14)],
      ['at_risk', resume],
      ['immersion', day(50)],
    ]);
    const immersion = calendar(SIGNUP, { days: 7 });
    expect(timeInStage(state, day(51))).toBe(day(12) - immersion + DAY);
  });

  it('a churned customer who comes back is won back, then established after 30 days if they had seen value', () => {
    const { path } = journey(
      [
        { type: 'first_value', at: day(1) },
        { type: 'cancelled', at: day(30) },
        { type: 'reactivated', at: day(70) },
      ],
      day(120),
    );
    expect(path.slice(2, 4).map(([stage]) => stage)).toEqual(['rooting', 'churned']);
    expect(path.slice(3)).toEqual([
      ['churned', day(30)],
      ['won_back', day(70)],
      ['established', calendar(day(70), { days: 30 })],
    ]);
  });

  it('a won-back customer who never saw value goes through immersion once they do', () => {
    const { path } = journey(
      [
        { type: 'cancelled', at: day(5) },
        { type: 'reactivated', at: day(40) },
        { type: 'first_value', at: day(48) },
      ],
      day(60),
    );
    expect(path.slice(1)).toEqual([
      ['churned', day(5)],
      ['won_back', day(40)],
      ['immersion', day(48)],
    ]);
  });

  it('events the machine does not know change nothing', () => {
    const machine = onboardingMachine();
    const { state } = startStageMachine(machine, { signedUpAt: SIGNUP, timeZone: ZONE });
    const r = transition(machine, state, { type: 'login', at: day(1) }, day(1));
    expect(r.changed).toBe(false);
    expect(r.state).toBe(state);
  });
});
