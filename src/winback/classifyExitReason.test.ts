import { describe, expect, it } from 'vitest';
import { assertPure } from '../../test/helpers/contracts';
import { RetentionDefinitionError, RetentionInputError } from '../core/errors';
import { simulateBusiness } from '../testing/index';
import {
  builtInExitReasonKeywords,
  classifyExitReason,
  type ExitReasonDictionary,
} from './classifyExitReason';
import { EXIT_REASONS, type ExitReason, isExitReason } from './exitReasons';

/**
 * Paraphrases of each reason, written as a held-out check before the built-in keywords were:
 * none of them is a simulator text, and the keywords were not tuned to them afterwards. The
 * accuracy on them is reported, not required to be perfect.
 */
const HELD_OUT: readonly (readonly [ExitReason, string])[] = [
  ['price', 'Honestly it costs too much for what we get'],
  ['price', 'Our budget was cut this quarter'],
  ['price', "Can't afford it anymore after the price increase"],
  ['price', 'Way too pricey compared to the starter tier of others'],
  ['price', 'We found it overpriced'],
  ['price', 'Стало слишком дорого после повышения цен'],
  ['price', 'Урезали бюджет на сервисы'],
  ['price', 'Не можем себе позволить такую стоимость'],
  ['price', 'Цена не соответствует качеству'],
  ['price', 'Нам дороговато'],
  ['missing_feature', 'It lacks a Salesforce integration'],
  ['missing_feature', "Doesn't support SSO which we require"],
  ['missing_feature', 'The reporting functionality is too limited'],
  ['missing_feature', "We need custom fields and you don't have them"],
  ['missing_feature', 'Missing features our team relies on'],
  ['missing_feature', 'Нет интеграции с 1С'],
  ['missing_feature', 'Не хватило функционала для отчетов'],
  ['missing_feature', 'Не поддерживает единый вход'],
  ['missing_feature', 'Отсутствует нужная нам функция'],
  ['missing_feature', 'Нет возможности настроить поля'],
  ['no_value', "We didn't use it much"],
  ['no_value', 'Nobody on the team adopted it'],
  ['no_value', "Didn't see the value"],
  ['no_value', 'It was too complicated to get started'],
  ['no_value', 'Rarely logged in, not worth it'],
  ['no_value', 'Мы им почти не пользуемся'],
  ['no_value', 'Не увидели пользы'],
  ['no_value', 'Слишком сложно разобраться'],
  ['no_value', 'Нет смысла платить за то, чем не пользуемся'],
  ['no_value', 'Не получили результата'],
  ['technical', 'The app keeps crashing on login'],
  ['technical', 'Sync stopped working last month'],
  ['technical', 'Way too many glitches'],
  ['technical', 'Pages take forever to load'],
  ['technical', 'Constant outages and downtime'],
  ['technical', 'Постоянные сбои'],
  ['technical', 'Приложение вылетает'],
  ['technical', 'Синхронизация не работает'],
  ['technical', 'Очень медленно грузится'],
  ['technical', 'Куча багов'],
  ['support', 'Nobody replied to my emails for days'],
  ['support', 'The support team was rude'],
  ['support', 'Took ages to get a response'],
  ['support', 'Customer service is terrible'],
  ['support', 'My tickets were ignored'],
  ['support', 'Служба поддержки не помогла'],
  ['support', 'Долго ждали ответа'],
  ['support', 'Менеджер не отвечал'],
  ['support', 'Грубая поддержка'],
  ['support', 'Игнорировали наши обращения'],
  ['competitor', 'We went with a competitor'],
  ['competitor', 'Switching to HubSpot'],
  ['competitor', 'Migrated to a different platform'],
  ['competitor', 'Another vendor offered a better deal'],
  ['competitor', 'Replaced you with an in-house tool'],
  ['competitor', 'Ушли к конкурентам'],
  ['competitor', 'Перешли на другую платформу'],
  ['competitor', 'Выбрали другое решение'],
  ['competitor', 'Нашли аналог'],
  ['competitor', 'Переезжаем на сервис партнеров'],
  ['temporary', "The project wrapped up, so we don't need it right now"],
  ['temporary', 'Our company is shutting down'],
  ['temporary', 'Taking a break for the summer'],
  ['temporary', 'Only needed it during tax season'],
  ['temporary', 'Will be back next year'],
  ['temporary', 'Проект завершился'],
  ['temporary', 'Компания закрывается'],
  ['temporary', 'Временно приостанавливаем работу'],
  ['temporary', 'Вернемся весной'],
  ['temporary', 'Сезон закончился'],
  ['other', 'Personal circumstances'],
  ['other', 'Management decided to consolidate vendors'],
  ['other', 'We were acquired'],
  ['other', 'Just because'],
  ['other', 'Prefer not to say'],
  ['other', 'По личным обстоятельствам'],
  ['other', 'Решение руководства'],
  ['other', 'Компанию купили'],
  ['other', 'Не хочу объяснять'],
  ['other', 'Так решили'],
];

describe('classifyExitReason', () => {
  it('classifies every exit survey of a simulated business as the reason the customer had', () => {
    const business = simulateBusiness({ seed: 7, customers: 3000, days: 365 });
    // The reason behind each cancellation request is the truth for the survey written a minute later.
    const requested = new Map<string, ExitReason>();
    for (const e of business.events)
      if (e.type === 'cancellation_requested' && isExitReason(e.properties?.exitReason))
        requested.set(`${e.customerId}@${Number(e.at) + 60_000}`, e.properties.exitReason);
    const truth = new Map(business.truth.customers.map((c) => [c.customerId, c]));
    const lastSurvey = new Map<string, number>();
    business.surveys.forEach((s, i) => {
      if (s.kind === 'exit') lastSurvey.set(s.customerId, i);
    });
    let total = 0;
    let correct = 0;
    let truthTotal = 0;
    let truthCorrect = 0;
    const confusion = new Map<string, number>();
    business.surveys.forEach((s, i) => {
      if (s.kind !== 'exit') return;
      const expected = requested.get(`${s.customerId}@${Number(s.at)}`);
      expect(expected, 'every exit survey follows a cancellation request').toBeDefined();
      const got = classifyExitReason(s.text!).reason;
      total++;
      if (got === expected) correct++;
      else confusion.set(`${expected} -> ${got}: ${s.text}`, (confusion.get(s.text!) ?? 0) + 1);
      // truth.exitReason is the reason of the customer's last voluntary churn: compare the survey
      // of that churn (their last one, unless they came back and left again without answering)
      const t = truth.get(s.customerId);
      if (
        t?.exitReason !== undefined &&
        lastSurvey.get(s.customerId) === i &&
        (t.reactivatedAt === undefined || Number(s.at) > t.reactivatedAt)
      ) {
        truthTotal++;
        if (got === t.exitReason) truthCorrect++;
      }
    });
    const accuracy = correct / total;
    console.info(
      `exit-survey classification on simulated data: ${correct}/${total} = ${(accuracy * 100).toFixed(1)}% by cancellation; ` +
        `${truthCorrect}/${truthTotal} = ${((truthCorrect / truthTotal) * 100).toFixed(1)}% against truth.exitReason`,
    );
    expect([...confusion.keys()]).toEqual([]);
    expect(total).toBeGreaterThan(200);
    expect(truthTotal).toBeGreaterThan(100);
    expect(accuracy).toBe(1);
    expect(truthCorrect / truthTotal).toBe(1);
  });

  it('classifies held-out paraphrases mostly right (accuracy reported)', () => {
    const misses: string[] = [];
    for (const [reason, text] of HELD_OUT) {
      const got = classifyExitReason(text).reason;
      if (got !== reason) misses.push(`${reason} -> ${got}: ${text}`);
    }
    const accuracy = 1 - misses.length / HELD_OUT.length;
    console.info(
      `exit-survey classification on ${HELD_OUT.length} held-out paraphrases: ${(accuracy * 100).toFixed(1)}%\n  ${misses.join('\n  ')}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('ignores case, punctuation, apostrophes and ё', () => {
    const a = classifyExitReason('we DIDN’T use it... at all!!');
    expect(a.reason).toBe('no_value');
    expect(a.evidence.map((e) => e.match)).toEqual(['DIDN’T use']);
    expect(classifyExitReason('ВЕРНЁМСЯ ПОЗЖЕ').evidence.map((e) => e.pattern)).toEqual([
      'вернемся',
      'позже',
    ]);
  });

  it('matches Russian inflections through stems', () => {
    for (const text of ['дорого', 'Дорогой тариф', 'дороговато', 'подорожало']) {
      expect(classifyExitReason(text).reason, text).toBe('price');
    }
    for (const text of ['ошибка', 'ошибки', 'ошибок', 'с ошибками']) {
      expect(classifyExitReason(text).reason, text).toBe('technical');
    }
  });

  it('lets one other word sit inside a phrase, but not two', () => {
    expect(classifyExitReason('never really used it').evidence[0]!.pattern).toBe('never used');
    expect(classifyExitReason('never ever really used it').reason).toBe('other');
  });

  it('reports every match with its offsets, and scores per reason', () => {
    const text = 'Too many bugs, and support never answered.';
    const r = classifyExitReason(text);
    expect(r.evidence.map((e) => [e.reason, text.slice(e.start, e.end)])).toEqual([
      ['technical', 'bugs'],
      ['support', 'support'],
      ['support', 'never answered'],
      ['support', 'answered'],
    ]);
    expect(r.scores.support).toBe(5);
    expect(r.scores.technical).toBe(2);
    expect(r.reason).toBe('support');
    // 5 of 7, times 5 / 6
    expect(r.confidence).toBe(Math.round((5 / 7) * (5 / 6) * 1000) / 1000);
  });

  it('breaks a tie by the reason named first', () => {
    expect(classifyExitReason('bugs, and it was expensive').reason).toBe('technical');
    expect(classifyExitReason('expensive, and bugs').reason).toBe('price');
    expect(classifyExitReason('expensive, and bugs').confidence).toBe(0.333);
  });

  it('uses a dictionary on top of the built-in keywords, or alone', () => {
    const own: ExitReasonDictionary = { keywords: { competitor: ['hubspot'] } };
    expect(classifyExitReason('Switching to HubSpot', own).scores.competitor).toBe(2);
    const alone: ExitReasonDictionary = { keywords: { competitor: ['hubspot'] }, builtIn: false };
    expect(classifyExitReason('Switching to HubSpot', alone).scores.competitor).toBe(1);
    expect(classifyExitReason('Too expensive', alone).reason).toBe('other');
  });

  it('is linear on hostile input', () => {
    const long = `${'a'.repeat(50_000)} ${'never '.repeat(20_000)}${"'".repeat(10_000)}`;
    const started = performance.now();
    const r = classifyExitReason(long);
    expect(r.reason).toBe('other');
    // generous: a backtracking matcher would take minutes
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('is pure', () => {
    assertPure(classifyExitReason, 'Слишком дорого', { keywords: { price: ['бюджет*'] } });
  });

  it('has a built-in list for every reason, and valid patterns', () => {
    const table = builtInExitReasonKeywords();
    expect(Object.keys(table)).toEqual([...EXIT_REASONS]);
    for (const r of EXIT_REASONS) expect(table[r].length).toBeGreaterThan(5);
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('rejects what is not text', () => {
    expect(() => classifyExitReason(42 as unknown as string)).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: classifyExitReason: text has the wrong type (expected a string; received integer)]`,
    );
    expect(() => classifyExitReason(undefined as unknown as string)).toThrow(RetentionInputError);
  });

  it('rejects malformed dictionaries with every issue and its path', () => {
    let error: unknown;
    try {
      classifyExitReason('x', {
        keywords: {
          price: ['ok', 'a*', '', { pattern: 'x', weight: 0 }, 7 as unknown as string],
          bored: ['x'],
        } as unknown as ExitReasonDictionary['keywords'],
        language: 'en',
      } as unknown as ExitReasonDictionary);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetentionDefinitionError);
    expect((error as RetentionDefinitionError).issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_key', ['language']],
      ['unknown_key', ['keywords', 'bored']],
    ]);
    expect(() =>
      classifyExitReason('x', {
        keywords: { price: ['ok', 'a*', '', { pattern: 'x', weight: 0 }, 7 as unknown as string] },
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: classifyExitReason: definition.keywords.price[1] has an invalid value (expected a stem (word*) of at least 3 letters) (and 3 more issue(s))]`,
    );
    expect(() =>
      classifyExitReason('x', { keywords: { price: 'cheap' } } as unknown as ExitReasonDictionary),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionDefinitionError: classifyExitReason: definition.keywords.price has the wrong type (expected an array of at most 1000 keywords; received string)]`,
    );
    expect(() =>
      classifyExitReason('x', null as unknown as ExitReasonDictionary),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RetentionInputError: classifyExitReason: dictionary has the wrong type (expected { keywords, builtIn? }; received null)]`,
    );
    expect(() =>
      classifyExitReason('x', { keywords: { price: ['one two three four five six seven'] } }),
    ).toThrow(/at most 6 words/);
  });
});
