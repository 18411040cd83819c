import { describe, expect, it } from 'vitest';
import type { PlannedAction } from '../core/action';
import { RetentionError } from '../core/errors';
import { createManualClock, systemClock } from './clock';
import { createRecordingDelivery, PermanentDeliveryError } from './delivery';

const action = (key: string, channel: PlannedAction['channel'] = 'email'): PlannedAction => ({
  key,
  customerId: 'c1',
  channel,
  template: 't',
  params: {},
  priority: 0,
  dueAt: 0,
  source: { module: 'triggers', definitionId: 'r', version: 1, occurrence: key },
});

describe('createRecordingDelivery', () => {
  it('records once per idempotency key and counts by channel', async () => {
    const d = createRecordingDelivery();
    await d.send(action('a'), { idempotencyKey: 'a', attempt: 1 });
    await d.send(action('b', 'sms'), { idempotencyKey: 'b', attempt: 1 });
    await d.send(action('a'), { idempotencyKey: 'a', attempt: 2 });
    expect(d.sent.map((s) => [s.action.key, s.attempt])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(d.duplicates).toBe(1);
    expect(d.countByChannel()).toEqual({ email: 1, sms: 1 });
  });

  it('fails as told, with permanent failures marked', async () => {
    const d = createRecordingDelivery({
      fail: (a, ctx) =>
        a.key === 'bad'
          ? new PermanentDeliveryError('bounced')
          : ctx.attempt === 1
            ? new Error('timeout')
            : undefined,
    });
    await expect(d.send(action('x'), { idempotencyKey: 'x', attempt: 1 })).rejects.toThrow(
      'timeout',
    );
    await expect(d.send(action('x'), { idempotencyKey: 'x', attempt: 2 })).resolves.toBeUndefined();
    const permanent = await d
      .send(action('bad'), { idempotencyKey: 'bad', attempt: 2 })
      .catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(PermanentDeliveryError);
    expect(permanent).toBeInstanceOf(RetentionError);
    expect((permanent as RetentionError).code).toBe('delivery_failure');
    expect(d.sent.map((s) => s.action.key)).toEqual(['x']);
  });
});

describe('clocks', () => {
  it('the manual clock moves only when told', () => {
    const c = createManualClock(100);
    expect(c.now()).toBe(100);
    c.advance(50);
    c.set(1_000);
    c.advance(-1);
    expect(c.now()).toBe(999);
  });

  it('the system clock reads the current time', () => {
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
