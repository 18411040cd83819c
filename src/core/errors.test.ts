import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeType,
  failInput,
  formatIssue,
  formatPath,
  RetentionDefinitionError,
  RetentionError,
  RetentionInputError,
} from './errors';

describe('errors', () => {
  it('formats paths as JavaScript would write them', () => {
    expect(formatPath([3, 'start'], 'lifetimes')).toBe('lifetimes[3].start');
    expect(formatPath(['options', 'from'])).toBe('options.from');
    expect(formatPath(['attributes', 'first name'], 'customer')).toBe(
      'customer.attributes["first name"]',
    );
    expect(formatPath([])).toBe('value');
    expect(formatPath([], 'rule')).toBe('rule');
  });

  it('derives sentences from issue records', () => {
    expect(formatIssue({ code: 'required', path: [0, 'customerId'] }, 'events')).toBe(
      'events[0].customerId is required',
    );
    expect(
      formatIssue(
        { code: 'out_of_range', path: [2], expected: 'integer 0-10', received: 'integer' },
        'scores',
      ),
    ).toBe('scores[2] is out of range (expected integer 0-10; received integer)');
    expect(
      formatIssue({ code: 'custom', path: ['x'], detail: 'weights must not all be zero' }),
    ).toBe('x is invalid: weights must not all be zero');
  });

  it('names types, not values', () => {
    expect(
      [
        null,
        [],
        new Date(Number.NaN),
        new Date(0),
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        1,
        1.5,
        '',
        'x',
        undefined,
        {},
        () => 1,
      ].map(describeType),
    ).toEqual([
      'null',
      'array',
      'Date (invalid)',
      'Date',
      'NaN',
      'Infinity',
      '-Infinity',
      'integer',
      'number',
      'empty string',
      'string',
      'undefined',
      'object',
      'function',
    ]);
  });

  it('builds input and definition errors with codes, paths and indexes', () => {
    const input = new RetentionInputError(
      'nps',
      [
        { code: 'out_of_range', path: [4], expected: 'integer 0-10' },
        { code: 'required', path: [5] },
      ],
      'scores',
    );
    expect(input).toBeInstanceOf(RetentionError);
    expect(input).toBeInstanceOf(Error);
    expect(input.name).toBe('RetentionInputError');
    expect(input.code).toBe('invalid_input');
    expect(input.index).toBe(4);
    expect(input.fn).toBe('nps');
    expect(input.message).toBe(
      'nps: scores[4] is out of range (expected integer 0-10) (and 1 more issue(s))',
    );
    const def = new RetentionDefinitionError('defineHealthModel', [
      { code: 'out_of_range', path: ['measures', 2, 'weight'], expected: '> 0' },
    ]);
    expect(def.code).toBe('invalid_definition');
    expect(def.message).toBe(
      'defineHealthModel: definition.measures[2].weight is out of range (expected > 0)',
    );
    expect(
      new RetentionInputError('f', [{ code: 'required', path: ['from'] }]).index,
    ).toBeUndefined();
    const cause = new Error('socket closed');
    expect(new RetentionError('store_failure', 'tick: the store failed', { cause }).cause).toBe(
      cause,
    );
    expect(() =>
      failInput({ fn: 'f', path: [1], root: 'xs' }, { code: 'required', path: ['id'] }),
    ).toThrow('f: xs[1].id is required');
  });

  it('never includes the offending value in any message', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), (secret) => {
        fc.pre(
          !/^(string|number|integer|required|expected|value|received)/.test(secret) &&
            !'is not a valid instant (expected Date, integer epoch milliseconds or ISO-8601 string with a UTC offset; received string)'.includes(
              secret,
            ),
        );
        try {
          failInput(
            { fn: 'f', path: [0, 'at'], root: 'events' },
            { code: 'invalid_instant', path: [], received: describeType(secret) },
          );
        } catch (e) {
          expect((e as Error).message).not.toContain(secret);
        }
      }),
    );
  });
});
