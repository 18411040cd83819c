import { describe, expect, it } from 'vitest';
import { assertPure, errorMessages } from '../../test/helpers/contracts';
import { ev } from '../../test/helpers/triggers';
import { RetentionInputError } from '../core/errors';
import { type TriggerHistory, updateTriggerHistory } from './updateTriggerHistory';

describe('updateTriggerHistory', () => {
  const events = [
    ev('a', 'login', 3000),
    ev('b', 'login', 1000),
    ev('c', 'order_placed', 2000),
    ev('d', 'login', 2000),
  ];

  it('keeps counts, first and last instants for every type, and recent instants where asked', () => {
    expect(
      updateTriggerHistory(undefined, events, { recentTypes: ['login'], recentLimit: 2 }),
    ).toEqual({
      login: { count: 3, first: 1000, last: 3000, recent: [2000, 3000] },
      order_placed: { count: 1, first: 2000, last: 2000 },
    });
    expect(updateTriggerHistory({}, events, { recentTypes: 'all' }).order_placed).toEqual({
      count: 1,
      first: 2000,
      last: 2000,
      recent: [2000],
    });
  });

  it('folds incrementally: batches give the same history as one pass', () => {
    const options = { recentTypes: ['login'], recentLimit: 2 } as const;
    const oneByOne = events.reduce<ReturnType<typeof updateTriggerHistory>>(
      (h, e) => updateTriggerHistory(h, [e], options),
      {},
    );
    expect(oneByOne).toEqual(updateTriggerHistory({}, events, options));
  });

  it('is pure', () => {
    assertPure(
      updateTriggerHistory,
      { login: { count: 1, first: 0, last: 0, recent: [0] } },
      events,
      {
        recentTypes: ['login'],
      },
    );
  });

  it('stores unusual type names as own properties, and ignores prototype keys', () => {
    const h = updateTriggerHistory({}, [
      ev('a', 'toString', 1),
      ev('b', '__proto__', 2),
      ev('c', 'constructor', 3),
    ]);
    expect(Object.keys(h)).toEqual(['toString']);
    expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(h))).toEqual({ toString: { count: 1, first: 1, last: 1 } });
  });

  it('rejects malformed events and options', () => {
    const messages = errorMessages(RetentionInputError, [
      () => updateTriggerHistory({}, [{ ...ev('a', 'login', 1), at: 'soon' }]),
      () => updateTriggerHistory({}, [{ ...ev('a', 'login', 1), type: '' }]),
      () => updateTriggerHistory({}, [ev('a', 'login', 1)], { recentLimit: 0 }),
      () =>
        updateTriggerHistory({ login: { count: 'a' } } as unknown as TriggerHistory, [
          ev('a', 'login', 1),
        ]),
    ]);
    expect(messages).toMatchInlineSnapshot(`
      [
        "updateTriggerHistory: events[0].at is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)",
        "updateTriggerHistory: events[0].type has an invalid value (expected a non-empty string of at most 256 characters; received empty string)",
        "updateTriggerHistory: options.recentLimit is out of range (expected a whole number from 1 to 1000)",
        "updateTriggerHistory: history.login has an invalid value (expected a history entry { count, first, last, recent? } written by this library; received object)",
      ]
    `);
  });
});
