/**
 * Deterministic planners for the engine's own tests: their plans depend only on event ids and
 * times, never on when the evaluation runs, so a run with crashes and retries must deliver the
 * same actions as a run without.
 *
 * @internal
 * @module
 */
import type { PlannedAction } from '../core/action';
import { actionKey } from '../core/action';
import type { EnginePlanner } from './types';

/** For each `ping` event: one email due `delay` after the event. */
export function pingPlanner(delay = 30 * 60_000): EnginePlanner<{ readonly seen: number }> {
  return {
    name: 'ping',
    plan(state, { customerId, events }) {
      const actions: PlannedAction[] = [];
      for (const e of events) {
        if (e.type !== 'ping') continue;
        const source = {
          module: 'triggers',
          definitionId: 'ping',
          version: 1,
          occurrence: e.id,
        } as const;
        actions.push({
          key: actionKey(customerId, source),
          customerId,
          channel: 'email',
          template: 'pong',
          params: { event: e.id },
          priority: 0,
          dueAt: e.at + delay,
          source,
        });
      }
      return {
        state: { seen: (state?.seen ?? 0) + events.length },
        actions,
        cancel: [],
        wakeAt: null,
      };
    },
  };
}

/**
 * `cart_added` plans a reminder 3 hours later; `order_placed` cancels it. Wakes up when the
 * reminder is due, to record that it went out.
 */
export function cartPlanner(): EnginePlanner<{ readonly open: readonly string[] }> {
  return {
    name: 'cart',
    plan(state, { customerId, events, now }) {
      let open = [...(state?.open ?? [])];
      const actions: PlannedAction[] = [];
      const cancel: string[] = [];
      for (const e of events) {
        if (e.type === 'cart_added') {
          const source = {
            module: 'triggers',
            definitionId: 'cart',
            version: 1,
            occurrence: e.id,
          } as const;
          const key = actionKey(customerId, source);
          open.push(key);
          actions.push({
            key,
            customerId,
            channel: 'email',
            template: 'cart-faq',
            params: {},
            priority: 0,
            dueAt: e.at + 3 * 3_600_000,
            source,
          });
        } else if (e.type === 'order_placed') {
          cancel.push(...open);
          open = [];
        }
      }
      return {
        state: { open },
        actions,
        cancel,
        wakeAt: open.length > 0 ? now + 3 * 3_600_000 : null,
      };
    },
  };
}
