import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../adapters/types';
import { foldProfile } from './profile';

const base = { customerId: 'c1', signedUpAt: 100, timeZone: 'UTC', attributes: { plan: 'team' } };
const event = (seq: number, type: string, properties: StoredEvent['properties']): StoredEvent => ({
  id: `e${seq}`,
  seq,
  customerId: 'c1',
  type,
  at: 1000 + seq,
  properties,
});

describe('foldProfile', () => {
  it('gives the same object back when no event changes the profile', () => {
    expect(foldProfile(base, [])).toBe(base);
    expect(foldProfile(base, [event(1, 'login', { timeZone: 'Asia/Tokyo' })])).toBe(base);
    // malformed profile events are ignored
    expect(
      foldProfile(base, [event(2, 'customer_updated', { timeZone: 'Mars/Base', signedUpAt: 1.5 })]),
    ).toBe(base);
  });

  it('applies signup and customer_updated events in order, leaving the input unchanged', () => {
    const before = JSON.stringify(base);
    const fresh = { ...base, signedUpAt: null };
    const next = foldProfile(fresh, [
      event(1, 'signup', { timeZone: 'Europe/Berlin', source: 'ads' }),
      event(2, 'customer_updated', { attributes: { plan: 'pro' }, signedUpAt: 50 }),
    ]);
    expect(next).toEqual({
      customerId: 'c1',
      signedUpAt: 50,
      timeZone: 'Europe/Berlin',
      attributes: { plan: 'pro', source: 'ads' },
    });
    expect(JSON.stringify(base)).toBe(before);
    expect(fresh.signedUpAt).toBeNull();
  });
});
