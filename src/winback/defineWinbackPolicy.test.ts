import { describe, expect, it } from 'vitest';
import { RetentionDefinitionError } from '../core/errors';
import {
  defaultWinbackSequence,
  defineWinbackPolicy,
  type WinbackPolicyDefinition,
} from './defineWinbackPolicy';
import { planWinback } from './planWinback';

const issuesOf = (definition: unknown) => {
  try {
    defineWinbackPolicy(definition as WinbackPolicyDefinition);
  } catch (e) {
    expect(e).toBeInstanceOf(RetentionDefinitionError);
    return (e as RetentionDefinitionError).issues.map((i) => [i.code, i.path.join('.')]);
  }
  return [];
};

describe('defineWinbackPolicy', () => {
  it('fills in every default', () => {
    expect(defineWinbackPolicy({ id: 'w', version: 1 })).toEqual({
      id: 'w',
      version: 1,
      name: null,
      description: null,
      segments: [
        {
          id: 'all',
          name: null,
          when: null,
          steps: defaultWinbackSequence().map((s) => ({
            params: {},
            priority: 0,
            ...s,
            offer:
              s.offer === undefined
                ? null
                : { amountOff: null, plan: null, bonus: null, ...s.offer },
          })),
        },
      ],
      eligibility: {
        when: null,
        cooldown: { days: 180 },
        excludeEvents: ['chargeback', 'fraud_detected'],
        decideAfter: '1h',
      },
      delivery: { sendWindow: null, caps: [], onCap: 'defer', expireAfter: '1d' },
      holdout: { share: 0, salt: 'w' },
      attributionWindow: { days: 90 },
      exitSurvey: { dictionary: null, minConfidence: 0.3 },
    });
  });

  it('infers the purpose of a step from its offer', () => {
    const p = defineWinbackPolicy({
      id: 'w',
      version: 1,
      segments: [
        {
          id: 'a',
          steps: [
            { id: 'hello', after: '2d', channel: 'in_app', template: 'hello' },
            {
              id: 'bonus',
              after: '9d',
              channel: 'email',
              template: 'bonus',
              offer: { id: 'seats', kind: 'bonus', bonus: 'extra-seats', validFor: '7d' },
            },
          ],
        },
      ],
    });
    expect(p.segments[0]!.steps.map((s) => [s.purpose, s.offer?.kind ?? null])).toEqual([
      ['message', null],
      ['offer', 'bonus'],
    ]);
  });

  it('is plain JSON: a stored copy plans the same', () => {
    const p = defineWinbackPolicy({
      id: 'w',
      version: 2,
      segments: [
        { id: 'price', when: { fact: 'reason', op: 'eq', value: 'price' } },
        { id: 'rest' },
      ],
      delivery: { sendWindow: { start: '09:00', end: '20:00' }, caps: [{ max: 2, per: '7d' }] },
      holdout: { share: 0.1 },
      exitSurvey: { dictionary: { keywords: { price: ['bill*'] } } },
    });
    const stored = JSON.parse(JSON.stringify(p));
    expect(stored).toEqual(p);
    const options = {
      now: Date.UTC(2026, 2, 2, 12),
      events: [
        {
          type: 'subscription_canceled',
          at: Date.UTC(2026, 2, 2, 10),
          properties: { kind: 'voluntary' },
        },
        {
          type: 'exit_survey_answered',
          at: Date.UTC(2026, 2, 2, 10, 5),
          properties: { text: 'the bills were huge' },
        },
      ],
    };
    const a = planWinback({ id: 'cus_7', timeZone: 'Asia/Tokyo' }, p, options);
    expect(planWinback({ id: 'cus_7', timeZone: 'Asia/Tokyo' }, stored, options)).toEqual(a);
    expect(a.decisions[0]!.segment).toBe('price');
  });

  it('reports the shape errors with their paths', () => {
    expect(issuesOf({ id: '', version: 0, segments: [], extra: 1 })).toEqual([
      ['invalid_value', 'id'],
      ['out_of_range', 'version'],
      ['invalid_value', 'segments'],
      ['unknown_key', 'extra'],
    ]);
    expect(
      issuesOf({
        id: 'w',
        version: 1,
        segments: [
          {
            id: 'a',
            when: { fact: 'reason', op: 'is', value: 'price' },
            steps: [{ id: 's', after: 'soon', channel: 'pigeon', template: 't' }],
          },
        ],
        holdout: { share: 0.9 },
      }),
    ).toEqual([
      ['invalid_enum', 'segments.0.when.op'],
      ['invalid_duration', 'segments.0.steps.0.after'],
      ['invalid_enum', 'segments.0.steps.0.channel'],
      ['out_of_range', 'holdout.share'],
    ]);
  });

  it('reports what the shape cannot say', () => {
    const step = (id: string, after: unknown, extra: object = {}) => ({
      id,
      after,
      channel: 'email',
      template: id,
      ...extra,
    });
    expect(
      issuesOf({
        id: 'w',
        version: 1,
        segments: [
          {
            id: 'a',
            steps: [
              step('one', '3d'),
              step('one', '2d'),
              step('big', { years: 3 }),
              step('o', { years: 3, days: 1 }, { purpose: 'offer' }),
              step(
                'p',
                { years: 3, days: 2 },
                { params: { winback: 1 }, offer: { id: 'x', kind: 'discount', validFor: '0d' } },
              ),
              step(
                'q',
                { years: 3, days: 3 },
                { offer: { id: 'y', kind: 'plan', validFor: { years: 2 } } },
              ),
              step(
                'r',
                { years: 3, days: 4 },
                {
                  offer: { id: 'z', kind: 'bonus', percentOff: 5, amountOff: 100, validFor: '1d' },
                },
              ),
            ],
          },
          { id: 'a' },
        ],
        eligibility: { decideAfter: { days: 1 } },
        delivery: {
          sendWindow: { start: '09:00', end: '09:00' },
          caps: [{ max: -1, per: '7d' }],
          expireAfter: { months: 1 },
        },
        attributionWindow: '0d',
        exitSurvey: { dictionary: { keywords: { price: ['x*'] } } },
      }),
    ).toEqual([
      ['duplicate', 'segments.0.steps.1.id'],
      ['order', 'segments.0.steps.1.after'],
      ['out_of_range', 'segments.0.steps.2.after'],
      ['out_of_range', 'segments.0.steps.3.after'],
      ['required', 'segments.0.steps.3.offer'],
      ['out_of_range', 'segments.0.steps.4.after'],
      ['invalid_value', 'segments.0.steps.4.params.winback'],
      ['invalid_value', 'segments.0.steps.4.offer'],
      ['out_of_range', 'segments.0.steps.4.offer.validFor'],
      ['out_of_range', 'segments.0.steps.5.after'],
      ['required', 'segments.0.steps.5.offer.plan'],
      ['out_of_range', 'segments.0.steps.5.offer.validFor'],
      ['out_of_range', 'segments.0.steps.6.after'],
      ['required', 'segments.0.steps.6.offer.bonus'],
      ['duplicate', 'segments.1.id'],
      ['invalid_duration', 'eligibility.decideAfter'],
      ['invalid_duration', 'delivery.expireAfter'],
      ['invalid_value', 'delivery.sendWindow.end'],
      ['out_of_range', 'delivery.caps.0.max'],
      ['out_of_range', 'attributionWindow'],
      ['invalid_value', 'exitSurvey.dictionary.keywords.price.0'],
    ]);
  });

  it('words its messages from the issues', () => {
    expect(() =>
      defineWinbackPolicy({ id: 'w', version: 1, eligibility: { decideAfter: '2w' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineWinbackPolicy: definition.eligibility.decideAfter is out of range (expected at most a week)]`,
    );
    expect(() =>
      defineWinbackPolicy({
        id: 'w',
        version: 1,
        segments: [
          {
            id: 'a',
            steps: [{ id: 'o', after: '1d', channel: 'email', template: 't', purpose: 'offer' }],
          },
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: defineWinbackPolicy: definition.segments[0].steps[0].offer is required: an offer step makes an offer]`,
    );
  });
});
