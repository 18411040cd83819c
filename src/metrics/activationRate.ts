import type { Accumulator } from '../core/accumulator';
import type { Duration, DurationInput } from '../core/duration';
import type { Instant, InstantInput } from '../core/instant';
import type { JsonValue } from '../core/validate';
import { CustomerIndex } from './customerIndex';
import type { MetricEvent } from './inputs';
import {
  checkRecord,
  deadline,
  finiteOrNull,
  growF64,
  MetricAccumulator,
  optionalInstant,
  optionCohort,
  optionDuration,
  optionsObject,
  optionTimeZone,
  optionTypes,
  readId,
  readInstant,
  readType,
  type Site,
  snapArray,
  snapNullable,
  snapString,
} from './internal';
import type { MetricSnapshot } from './snapshot';

/**
 * Options of {@link activationRate}.
 *
 * @category metrics
 */
export interface ActivationRateOptions {
  /** The event types a customer must ALL do within the window, e.g. `['project_created', 'colleague_invited']`. */
  readonly keyActions: readonly string[];
  /** How long after the start the key actions count, e.g. `'7d'` or `{ days: 7 }`. */
  readonly window: DurationInput;
  /** The event type(s) that make a customer new; their first one starts the window. @defaultValue `'signup'` */
  readonly startEvent?: string | readonly string[];
  /** Only customers whose first start event lies in `[from, to)`. @defaultValue every customer with a start event */
  readonly cohort?: { readonly from: InstantInput; readonly to: InstantInput };
  /**
   * "Now": events after it are ignored, and customers whose window is still open and who have
   * not yet done every key action are `pending`, left out of the rate. @defaultValue none: every window counts as closed
   */
  readonly asOf?: InstantInput;
  /** The time zone of calendar windows (`{ days: 7 }`). @defaultValue `'UTC'` */
  readonly timeZone?: string;
}

/**
 * How many customers did one key action within their window.
 *
 * @category metrics
 */
export interface KeyActionShare {
  /** The event type. */
  readonly action: string;
  /** Customers (of `customers - pending`) who did it within their window. */
  readonly done: number;
  /** `done / (customers - pending)`, or `null`. */
  readonly rate: number | null;
}

/**
 * The answer of {@link activationRate}.
 *
 * @category metrics
 */
export interface ActivationRateResult {
  /** `activated / (customers - pending)`, or `null` when that is 0. */
  readonly rate: number | null;
  /** Customers who did every key action within their window. */
  readonly activated: number;
  /** New customers considered (the cohort). */
  readonly customers: number;
  /** Customers whose window is still open at `asOf` and who have not activated yet. */
  readonly pending: number;
  /** Per key action, in the order given: the bottleneck is the lowest. */
  readonly keyActions: readonly KeyActionShare[];
}

interface Resolved {
  readonly actions: readonly string[];
  readonly actionIndex: ReadonlyMap<string, number>;
  readonly start: ReadonlySet<string>;
  readonly window: Duration;
  readonly cohort: { from: Instant; to: Instant } | undefined;
  readonly asOf: Instant | undefined;
  readonly timeZone: string;
}

class ActivationRateAccumulator extends MetricAccumulator<MetricEvent, ActivationRateResult> {
  private readonly index = new CustomerIndex();
  private firstStart = new Float64Array(0);
  /** Row-major: `firstAction[row * k + j]` is the first time of key action j. */
  private firstAction = new Float64Array(0);

  constructor(
    site: Site,
    private readonly o: Resolved,
  ) {
    super(site, 'retention-kit/activationRate', {
      keyActions: [...o.actions],
      window: o.window as unknown as JsonValue,
      start: [...o.start].sort(),
      cohort: o.cohort ?? null,
      asOf: o.asOf ?? null,
      timeZone: o.timeZone,
    });
  }

  private row(id: string): number {
    const row = this.index.row(id);
    if (row >= this.firstStart.length) {
      const inf = Number.POSITIVE_INFINITY;
      this.firstStart = growF64(this.firstStart, row + 1, inf);
      this.firstAction = growF64(this.firstAction, (row + 1) * this.o.actions.length, inf);
    }
    return row;
  }

  protected accept(event: MetricEvent, index: number): void {
    const site = this.site;
    checkRecord(event, site, index);
    const id = readId(event.customerId, site, index);
    const type = readType(event.type, site, index);
    const at = readInstant(event.at, site, index, 'at');
    if (this.o.asOf !== undefined && at > this.o.asOf) return;
    const isStart = this.o.start.has(type);
    const action = this.o.actionIndex.get(type);
    if (!isStart && action === undefined) return;
    const row = this.row(id);
    if (isStart && at < this.firstStart[row]!) this.firstStart[row] = at;
    if (action !== undefined) {
      const slot = row * this.o.actions.length + action;
      if (at < this.firstAction[slot]!) this.firstAction[slot] = at;
    }
  }

  protected state(): JsonValue {
    const ids = this.index.ids();
    const k = this.o.actions.length;
    const customers: JsonValue[] = [];
    for (let row = 0; row < this.index.size; row++) {
      const actions: (number | null)[] = [];
      for (let j = 0; j < k; j++) actions.push(finiteOrNull(this.firstAction[row * k + j]!));
      customers.push([ids[row]!, finiteOrNull(this.firstStart[row]!), actions]);
    }
    return { customers };
  }

  protected absorb(state: JsonValue): void {
    const fn = this.site.fn;
    const k = this.o.actions.length;
    const inf = Number.POSITIVE_INFINITY;
    snapArray(fn, (state as { customers?: unknown } | null)?.customers, [
      'state',
      'customers',
    ]).forEach((entry, i) => {
      const path = ['state', 'customers', i];
      const e = snapArray(fn, entry, path);
      const row = this.row(snapString(fn, e[0], [...path, 0]));
      const start = snapNullable(fn, e[1], [...path, 1], inf);
      if (start < this.firstStart[row]!) this.firstStart[row] = start;
      const actions = snapArray(fn, e[2], [...path, 2]);
      for (let j = 0; j < k; j++) {
        const t = snapNullable(
          fn,
          j < actions.length ? actions[j] : Number.NaN,
          [...path, 2, j],
          inf,
        );
        if (t < this.firstAction[row * k + j]!) this.firstAction[row * k + j] = t;
      }
    });
  }

  result(): ActivationRateResult {
    const { actions, cohort, asOf, window, timeZone } = this.o;
    const k = actions.length;
    const done = new Array<number>(k).fill(0);
    let customers = 0;
    let activated = 0;
    let pending = 0;
    for (let row = 0; row < this.index.size; row++) {
      const start = this.firstStart[row]!;
      if (start === Number.POSITIVE_INFINITY) continue;
      if (cohort !== undefined && (start < cohort.from || start >= cohort.to)) continue;
      customers++;
      const end = deadline(start, window, timeZone);
      let all = true;
      for (let j = 0; j < k; j++) if (!(this.firstAction[row * k + j]! < end)) all = false;
      if (all) activated++;
      else if (asOf !== undefined && end > asOf) {
        pending++;
        continue;
      }
      for (let j = 0; j < k; j++) if (this.firstAction[row * k + j]! < end) done[j]!++;
    }
    const decided = customers - pending;
    return {
      rate: decided > 0 ? activated / decided : null,
      activated,
      customers,
      pending,
      keyActions: actions.map((action, j) => ({
        action,
        done: done[j]!,
        rate: decided > 0 ? done[j]! / decided : null,
      })),
    };
  }
}

function resolve(fn: string, options: ActivationRateOptions): Resolved {
  const o = optionsObject(fn, options);
  const actions = optionTypes(fn, o.keyActions, 'keyActions', true)!;
  return {
    actions,
    actionIndex: new Map(actions.map((a, i) => [a, i])),
    start: new Set(optionTypes(fn, o.startEvent, 'startEvent', false) ?? ['signup']),
    window: optionDuration(fn, o.window, 'window'),
    cohort: optionCohort(fn, o.cohort),
    asOf: optionalInstant(fn, o.asOf, 'asOf'),
    timeZone: optionTimeZone(fn, o.timeZone),
  };
}

/**
 * Creates the accumulator form of {@link activationRate}. Memory grows with customers times key
 * actions, not with events.
 *
 * @param options - See {@link ActivationRateOptions}.
 * @returns An accumulator of events whose `result()` is an {@link ActivationRateResult}.
 * @throws {RetentionInputError} When an option is invalid; `add` throws for an invalid event.
 *
 * @example
 * const acc = activationRateAccumulator({ keyActions: ['project_created'], window: '7d' });
 * acc.add({ customerId: 'a', type: 'signup', at: '2026-01-01' }).add({ customerId: 'a', type: 'project_created', at: '2026-01-02' });
 * acc.result().rate
 * //=> 1
 *
 * @category metrics
 */
export function activationRateAccumulator(
  options: ActivationRateOptions,
): Accumulator<MetricEvent, ActivationRateResult, MetricSnapshot> {
  const fn = 'activationRateAccumulator';
  return new ActivationRateAccumulator({ fn, root: 'events' }, resolve(fn, options));
}

/**
 * Activation rate: the share of new customers who did ALL the key actions within a window of
 * their first start event (e.g. created a project AND invited a colleague within 7 days of
 * signing up). Only each action's first occurrence matters; one done before the start event
 * counts as done at the start. With `asOf`, customers whose window is still open and who have
 * not activated yet are `pending` and left out of the rate. One pass, any order.
 *
 * @param events - Activity events `{ customerId, type, at }`, in any order; other types are ignored.
 * @param options - See {@link ActivationRateOptions}.
 * @returns The rate with its counts, and the share of each key action.
 * @throws {RetentionInputError} When an option or an event is invalid, naming the index and path.
 *
 * @example
 * const events = [
 *   { customerId: 'a', type: 'signup', at: '2026-01-01T10:00:00Z' },
 *   { customerId: 'a', type: 'project_created', at: '2026-01-01T10:20:00Z' },
 *   { customerId: 'a', type: 'colleague_invited', at: '2026-01-03T09:00:00Z' }, // activated
 *   { customerId: 'b', type: 'signup', at: '2026-01-02T10:00:00Z' },
 *   { customerId: 'b', type: 'project_created', at: '2026-01-02T11:00:00Z' },
 *   { customerId: 'b', type: 'colleague_invited', at: '2026-01-20T09:00:00Z' }, // too late
 * ];
 * const r = activationRate(events, { keyActions: ['project_created', 'colleague_invited'], window: '7d' });
 * [r.rate, r.keyActions.map((a) => a.rate)]
 * //=> [0.5, [1, 0.5]]
 *
 * @category metrics
 */
export function activationRate(
  events: Iterable<MetricEvent>,
  options: ActivationRateOptions,
): ActivationRateResult {
  const fn = 'activationRate';
  return new ActivationRateAccumulator({ fn, root: 'events' }, resolve(fn, options))
    .addAll(events)
    .result();
}
