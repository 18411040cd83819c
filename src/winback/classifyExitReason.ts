import {
  describeType,
  failInput,
  RetentionDefinitionError,
  type RetentionIssue,
} from '../core/errors';
import { lazy } from '../core/lazy';
import { EXIT_REASONS, type ExitReason } from './exitReasons';

/**
 * A keyword pattern: one to six words that must appear in this order, with at most one other word
 * between two of them. A word ending in `*` matches every word that starts with it (a stem:
 * `'дорог*'` matches дорого, дорогой and дороговато; `'crash*'` matches crashes and crashed); other
 * words match whole words only. Case, punctuation, apostrophes (`don't` is `dont`) and `ё`/`е`
 * do not matter. `weight` says how much a match counts. @defaultValue weight: the number of words
 *
 * @example
 * const keywords: ExitReasonKeyword[] = ['too expensive', 'дорог*', { pattern: 'overpriced', weight: 2 }];
 *
 * @category winback
 */
export type ExitReasonKeyword = string | { readonly pattern: string; readonly weight?: number };

/**
 * Keyword lists per exit reason, to classify free-text answers with {@link classifyExitReason}.
 * Plain JSON, so it can live in a policy or an admin UI.
 *
 * @example
 * // Add your product's words to the built-in English and Russian lists:
 * const dictionary: ExitReasonDictionary = {
 *   keywords: { missing_feature: ['salesforce', 'sso'], competitor: ['hubspot', 'pipedrive'] },
 * };
 *
 * @category winback
 */
export interface ExitReasonDictionary {
  /** Keywords per reason (see {@link ExitReasonKeyword}). */
  readonly keywords: Partial<Readonly<Record<ExitReason, readonly ExitReasonKeyword[]>>>;
  /** Also use the built-in English and Russian keywords ({@link builtInExitReasonKeywords}). @defaultValue `true` */
  readonly builtIn?: boolean;
}

/**
 * One keyword found in an answer.
 *
 * @category winback
 */
export interface ExitReasonEvidence {
  /** The reason the keyword counts for. */
  readonly reason: ExitReason;
  /** The keyword pattern as the dictionary writes it. */
  readonly pattern: string;
  /** The words of the answer it matched, as written there. */
  readonly match: string;
  /** Where the match starts and ends in the answer (UTF-16 offsets, end exclusive). */
  readonly start: number;
  readonly end: number;
  /** What the match counts. */
  readonly weight: number;
}

/**
 * What {@link classifyExitReason} found.
 *
 * @category winback
 */
export interface ExitReasonClassification {
  /** The reason with the most evidence; `'other'` when no keyword matched. */
  readonly reason: ExitReason;
  /**
   * How sure the classification is, in [0, 1]: the winning reason's share of all evidence,
   * times `w / (w + 1)` for its weight `w` (one single-word match gives 0.5, two give 0.67), rounded
   * to three decimals. 0 when no keyword matched.
   */
  readonly confidence: number;
  /** Every keyword match, for every reason, in the order they appear in the answer. */
  readonly evidence: readonly ExitReasonEvidence[];
  /** The evidence weight per reason. */
  readonly scores: Readonly<Record<ExitReason, number>>;
}

interface Word {
  readonly text: string;
  readonly prefix: boolean;
}

interface Entry {
  readonly reason: ExitReason;
  readonly reasonIndex: number;
  readonly pattern: string;
  readonly words: readonly Word[];
  readonly weight: number;
  readonly id: number;
}

interface CompiledDictionary {
  readonly exact: Map<string, Entry[]>;
  readonly prefix: Map<string, Entry[]>;
  /** The stem lengths present in `prefix`, ascending. */
  readonly prefixLengths: readonly number[];
  readonly size: number;
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const FN = 'classifyExitReason';
const MAX_WORDS = 6;
const MIN_STEM = 3;
const APOSTROPHES = new Set(["'", '\u2019', '\u02bc', '`']);
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80)
    return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
  return WORD_CHAR.test(ch);
}

function normalizeWord(word: string): string {
  let w = word.toLowerCase();
  if (w.includes('ё')) w = w.replaceAll('ё', 'е');
  return w;
}

/**
 * Splits text into lower-cased words with their offsets: runs of letters, digits and combining
 * marks; an apostrophe between two letters joins them (`don't` is `dont`). One linear pass.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // a code point: a surrogate pair is one character
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    if (!isWordChar(text.slice(i, i + width))) {
      i += width;
      continue;
    }
    const start = i;
    let word = '';
    while (i < n) {
      const c = text.codePointAt(i)!;
      const w = c > 0xffff ? 2 : 1;
      const ch = text.slice(i, i + w);
      if (isWordChar(ch)) {
        word += ch;
        i += w;
      } else if (APOSTROPHES.has(ch) && i + 1 < n && isWordChar(text.charAt(i + 1))) {
        i += 1;
      } else break;
    }
    tokens.push({ text: normalizeWord(word), start, end: i });
  }
  return tokens;
}

/** Parses a pattern into words, or returns why it is invalid. */
function parsePattern(pattern: string): Word[] | string {
  if (pattern.length === 0 || pattern.length > 200) return 'a pattern of 1 to 200 characters';
  const words: Word[] = [];
  for (const raw of pattern.trim().split(/\s+/)) {
    const prefix = raw.endsWith('*');
    const body = prefix ? raw.slice(0, -1) : raw;
    const tokens = tokenize(body);
    if (tokens.length === 0) return 'words of letters or digits, a stem may end with *';
    // "in-house" is two words, as the answer's tokenizer sees it
    tokens.forEach((t, k) => {
      words.push({ text: t.text, prefix: prefix && k === tokens.length - 1 });
    });
    if (prefix && tokens[tokens.length - 1]!.text.length < MIN_STEM)
      return `a stem (word*) of at least ${MIN_STEM} letters`;
  }
  if (words.length === 0) return 'at least one word';
  if (words.length > MAX_WORDS) return `at most ${MAX_WORDS} words`;
  return words;
}

function compile(
  lists: readonly (readonly [
    ExitReason,
    readonly ExitReasonKeyword[],
    readonly (string | number)[],
  ])[],
): CompiledDictionary {
  const exact = new Map<string, Entry[]>();
  const prefix = new Map<string, Entry[]>();
  const lengths = new Set<number>();
  const issues: RetentionIssue[] = [];
  let id = 0;
  for (const [reason, keywords, base] of lists) {
    keywords.forEach((keyword, i) => {
      const path = [...base, i];
      const isObject = typeof keyword === 'object' && keyword !== null;
      const pattern = isObject ? (keyword as { pattern: unknown }).pattern : keyword;
      if (typeof pattern !== 'string') {
        issues.push({
          code: 'invalid_type',
          path: isObject ? [...path, 'pattern'] : path,
          expected: 'a keyword pattern string, or { pattern, weight }',
          received: describeType(pattern),
        });
        return;
      }
      const words = parsePattern(pattern);
      if (typeof words === 'string') {
        issues.push({
          code: 'invalid_value',
          path: isObject ? [...path, 'pattern'] : path,
          expected: words,
        });
        return;
      }
      let weight = words.length;
      if (isObject && (keyword as { weight?: unknown }).weight !== undefined) {
        const w = (keyword as { weight?: unknown }).weight;
        if (!(typeof w === 'number' && Number.isFinite(w) && w > 0 && w <= 100)) {
          issues.push({
            code: 'out_of_range',
            path: [...path, 'weight'],
            expected: 'a number > 0 and <= 100',
            received: describeType(w),
          });
          return;
        }
        weight = w;
      }
      const entry: Entry = {
        reason,
        reasonIndex: EXIT_REASONS.indexOf(reason),
        pattern,
        words,
        weight,
        id: id++,
      };
      const first = words[0]!;
      const map = first.prefix ? prefix : exact;
      if (first.prefix) lengths.add(first.text.length);
      const list = map.get(first.text);
      if (list === undefined) map.set(first.text, [entry]);
      else list.push(entry);
    });
  }
  if (issues.length > 0) throw new RetentionDefinitionError(FN, issues);
  return { exact, prefix, prefixLengths: [...lengths].sort((a, b) => a - b), size: id };
}

const w2 = (pattern: string) => ({ pattern, weight: 2 });

/**
 * The built-in keywords, English then Russian for each reason, as plain data. Built on first
 * call.
 *
 * @returns The keyword lists per reason (frozen).
 *
 * @example
 * builtInExitReasonKeywords().price.includes('бюджет*')
 * //=> true
 *
 * @category winback
 */
export const builtInExitReasonKeywords = /* @__PURE__ */ lazy(
  (): Readonly<Record<ExitReason, readonly ExitReasonKeyword[]>> => {
    const table: Record<ExitReason, readonly ExitReasonKeyword[]> = {
      price: [
        w2('expensive'),
        w2('overpriced'),
        w2('pricey'),
        'price*',
        'cost*',
        'budget*',
        'cheap*',
        'afford*',
        'money',
        'fee',
        'fees',
        'pay for',
        'worth the money',
        'worth the price',
        'discount*',
        w2('дорог*'),
        w2('подорож*'),
        w2('дешев*'),
        'цена',
        'цены',
        'цену',
        'ценой',
        'цене',
        'цен',
        'ценам',
        'ценами',
        'ценах',
        'ценник*',
        'стоимост*',
        'бюджет*',
        'деньг*',
        'денег',
        'платить',
        'по карману',
        'расход*',
        'эконом*',
        'скидк*',
      ],
      missing_feature: [
        'missing',
        'lack*',
        'feature*',
        'integrat*',
        'functionality',
        'capabilit*',
        'export*',
        'no way to',
        'not support*',
        'doesnt support*',
        'dont have',
        'do not have',
        'doesnt have',
        'does not have',
        'didnt have',
        'did not have',
        'limitation*',
        'too limited',
        'roadmap',
        'not available',
        'needed a',
        w2('не хват*'),
        'функци*',
        'функционал*',
        'возможност*',
        'интеграц*',
        'нельзя',
        'выгруз*',
        'экспорт*',
        'нет нужн*',
        'отсутств*',
        'недостает',
        'не умеет',
        'не поддержива*',
      ],
      no_value: [
        'never used',
        'not using',
        'never use',
        'didnt use',
        'did not use',
        'dont use',
        'do not use',
        'stopped using',
        'rarely use*',
        'hardly use*',
        'value',
        'useful',
        'figure out',
        'how to use',
        'justify',
        'worth it',
        'dont need',
        'benefit*',
        'result*',
        'roi',
        'complicated',
        'confusing',
        'hard to use',
        'too complex',
        'adopt*',
        'rarely',
        w2('не польз*'),
        'пользу',
        'пользы',
        'полезн*',
        'ценност*',
        'не поняли',
        'непонятн*',
        'сложн*',
        'разобраться',
        'результат*',
        'смысл*',
        'редко',
        'почти не',
      ],
      technical: [
        w2('bug*'),
        w2('buggy'),
        'error*',
        w2('crash*'),
        'slow*',
        'fail*',
        'broken',
        'glitch*',
        'outage*',
        'downtime',
        'not working',
        'doesnt work',
        'didnt work',
        'stopped working',
        'lag*',
        'freez*',
        'unreliab*',
        'sync*',
        'performance',
        'load*',
        'technical',
        w2('ошиб*'),
        w2('баг*'),
        'глюч*',
        'глюк*',
        'тормоз*',
        'завис*',
        'пада*',
        'упал*',
        'не работа*',
        'сбой',
        'сбои',
        'сбоев',
        'сбоями',
        'медленн*',
        'вылета*',
        'грузит*',
        'загруж*',
        'техническ*',
        'нестабильн*',
        'синхрониз*',
      ],
      support: [
        w2('support'),
        'customer service',
        'customer support',
        'ticket*',
        'never answered',
        'no answer',
        'answer*',
        'respon*',
        'unresponsive',
        'help',
        'wait*',
        'rude',
        'account manager',
        'ignored',
        'replied',
        'reply',
        'replies',
        w2('поддержк*'),
        'служб*',
        'ответ*',
        'отвеча*',
        'обращени*',
        'тикет*',
        'помощ*',
        'помог*',
        'ждал*',
        'менеджер*',
        'груб*',
        'игнор*',
      ],
      competitor: [
        w2('competitor*'),
        'switch*',
        'moved to',
        'moving to',
        'migrat*',
        'alternative*',
        'another tool',
        'another product',
        'another service',
        'another provider',
        'another vendor',
        'another platform',
        'other tool',
        'different tool',
        'different platform',
        'better option',
        'found a better',
        'went with',
        'replaced',
        'in house',
        w2('конкурент*'),
        'перешл*',
        'переход*',
        'альтернатив*',
        'переех*',
        'переез*',
        'другой сервис',
        'другой инструмент',
        'другое решение',
        'другую систему',
        'другую платформу',
        'другого поставщика',
        'аналог*',
        'ушли к',
      ],
      temporary: [
        'temporar*',
        'one project',
        'only needed',
        'one time',
        'short term',
        'season*',
        'come back',
        'be back',
        'later',
        'for now',
        'closing',
        'closed',
        'shutting down',
        'shut down',
        'out of business',
        'bankrupt*',
        'taking a break',
        'project ended',
        'wrapped up',
        'no longer need*',
        'vacation',
        'summer',
        'временн*',
        'один проект',
        'только на',
        'сезон*',
        'закрыва*',
        'закрыл*',
        'закрыт*',
        'ликвид*',
        'банкрот*',
        'вернемся',
        'вернусь',
        'позже',
        'перерыв*',
        'пауз*',
        'приостан*',
        'заверш*',
        'закончи*',
        'больше не нужн*',
        'отпуск*',
      ],
      other: [
        'personal',
        'policy',
        'no particular',
        'no reason',
        'management',
        'acquired',
        'merger',
        'reorganiz*',
        'личн*',
        'политик*',
        'без особ*',
        'без причин*',
        'руководств*',
        'реорганиз*',
      ],
    };
    return Object.freeze(table);
  },
);

const compiledBuiltIn = /* @__PURE__ */ lazy(() =>
  compile(EXIT_REASONS.map((r) => [r, builtInExitReasonKeywords()[r], ['builtIn', r]] as const)),
);

const compiledCache = new WeakMap<ExitReasonDictionary, CompiledDictionary[]>();

/** The compiled lists a dictionary stands for (the built-in one first, when it is included). */
function compiledFor(dictionary: ExitReasonDictionary | undefined): CompiledDictionary[] {
  if (dictionary === undefined) return [compiledBuiltIn()];
  const cached = compiledCache.get(dictionary);
  if (cached !== undefined) return cached;
  if (typeof dictionary !== 'object' || dictionary === null || Array.isArray(dictionary))
    failInput(
      { fn: FN, root: 'dictionary' },
      {
        code: 'invalid_type',
        path: [],
        expected: '{ keywords, builtIn? }',
        received: describeType(dictionary),
      },
    );
  const issues: RetentionIssue[] = [];
  for (const key of Object.keys(dictionary))
    if (key !== 'keywords' && key !== 'builtIn') issues.push({ code: 'unknown_key', path: [key] });
  const builtIn = dictionary.builtIn ?? true;
  if (typeof builtIn !== 'boolean')
    issues.push({
      code: 'invalid_type',
      path: ['builtIn'],
      expected: 'a boolean',
      received: describeType(builtIn),
    });
  const keywords = dictionary.keywords as unknown;
  const lists: [ExitReason, readonly ExitReasonKeyword[], (string | number)[]][] = [];
  if (typeof keywords !== 'object' || keywords === null || Array.isArray(keywords)) {
    issues.push({
      code: 'invalid_type',
      path: ['keywords'],
      expected: 'an object of keyword lists by exit reason',
      received: describeType(keywords),
    });
  } else {
    for (const key of Object.keys(keywords)) {
      const list = (keywords as Record<string, unknown>)[key];
      if (!(EXIT_REASONS as readonly string[]).includes(key)) {
        issues.push({
          code: 'unknown_key',
          path: ['keywords', key],
          expected: `one of ${EXIT_REASONS.join(', ')}`,
        });
      } else if (!Array.isArray(list) || list.length > 1000) {
        issues.push({
          code: 'invalid_type',
          path: ['keywords', key],
          expected: 'an array of at most 1000 keywords',
          received: describeType(list),
        });
      } else lists.push([key as ExitReason, list as ExitReasonKeyword[], ['keywords', key]]);
    }
  }
  if (issues.length > 0) throw new RetentionDefinitionError(FN, issues);
  const own = compile(lists);
  const result = builtIn ? [compiledBuiltIn(), own] : [own];
  compiledCache.set(dictionary, result);
  return result;
}

/** Finds where an entry's later words match, from token `from`; returns the last token or -1. */
function matchRest(entry: Entry, tokens: readonly Token[], from: number): number {
  let at = from;
  for (let w = 1; w < entry.words.length; w++) {
    const word = entry.words[w]!;
    let found = -1;
    // the next token, or the one after it (one other word may sit in between)
    for (let p = at + 1; p <= at + 2 && p < tokens.length; p++) {
      const t = tokens[p]!.text;
      if (word.prefix ? t.startsWith(word.text) : t === word.text) {
        found = p;
        break;
      }
    }
    if (found < 0) return -1;
    at = found;
  }
  return at;
}

interface Hit {
  readonly entry: Entry;
  readonly first: number;
  readonly last: number;
  readonly order: number;
}

function findHits(
  dict: CompiledDictionary,
  tokens: readonly Token[],
  seen: Set<Entry>,
  hits: Hit[],
  order: number,
): number {
  let n = order;
  const tryEntries = (list: readonly Entry[] | undefined, i: number) => {
    if (list === undefined) return;
    for (const entry of list) {
      if (seen.has(entry)) continue;
      const last = entry.words.length === 1 ? i : matchRest(entry, tokens, i);
      if (last < 0) continue;
      seen.add(entry);
      hits.push({ entry, first: i, last, order: n++ });
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    tryEntries(dict.exact.get(t), i);
    for (const len of dict.prefixLengths) {
      if (len > t.length) break;
      tryEntries(dict.prefix.get(len === t.length ? t : t.slice(0, len)), i);
    }
  }
  return n;
}

function emptyScores(): Record<ExitReason, number> {
  return {
    price: 0,
    missing_feature: 0,
    no_value: 0,
    technical: 0,
    support: 0,
    competitor: 0,
    temporary: 0,
    other: 0,
  };
}

/**
 * Classifies a free-text exit-survey answer ("what was the main reason you cancelled?") into the
 * {@link ExitReason} taxonomy by keyword dictionaries, English and Russian built in. Words are
 * compared lower-cased, without punctuation; Russian inflections are covered by stems
 * (`'дешев*'` matches дешевле and дешевые). Each keyword counts once, with its weight; the reason
 * with the most weight wins (on a tie, the one mentioned first), and the answer gets `'other'`
 * with confidence 0 when nothing matches. One linear pass over the text, no regular expression
 * that could backtrack, so untrusted input is safe.
 *
 * @param text - The answer, in any case and with any punctuation.
 * @param dictionary - Extra keywords, with or without the built-in ones (see
 * {@link ExitReasonDictionary}). @defaultValue the built-in English and Russian keywords
 * @returns The reason, a confidence in [0, 1], the matched evidence and the score per reason.
 * @throws {RetentionInputError} When `text` is not a string.
 * @throws {RetentionDefinitionError} When the dictionary is malformed: an unknown reason, a
 * pattern without words, a stem shorter than three letters, a weight out of (0, 100].
 *
 * @example
 * const answer = classifyExitReason('Too expensive for a team our size!');
 * [answer.reason, answer.confidence, answer.evidence.map((e) => e.match)]
 * //=> ['price', 0.667, ['expensive']]
 *
 * @example
 * // Russian, inflected: "cheaper options exist"
 * classifyExitReason('Есть варианты ДЕШЕВЛЕ').reason
 * //=> 'price'
 *
 * @example
 * // Your own words, on top of the built-in ones:
 * classifyExitReason('We moved everything to Pipedrive', { keywords: { competitor: [{ pattern: 'pipedrive', weight: 3 }] } }).scores.competitor
 * //=> 5
 *
 * @example
 * classifyExitReason('¯\\_(ツ)_/¯')
 * //=> { reason: 'other', confidence: 0, evidence: [], scores: { price: 0, missing_feature: 0, no_value: 0, technical: 0, support: 0, competitor: 0, temporary: 0, other: 0 } }
 *
 * @category winback
 */
export function classifyExitReason(
  text: string,
  dictionary?: ExitReasonDictionary,
): ExitReasonClassification {
  if (typeof text !== 'string')
    failInput(
      { fn: FN, root: 'text' },
      { code: 'invalid_type', path: [], expected: 'a string', received: describeType(text) },
    );
  return classifyWith(compiledFor(dictionary), text);
}

/** Resolves a dictionary once, for classifying many answers. @internal */
export function exitReasonClassifier(
  dictionary: ExitReasonDictionary | undefined,
): (text: string) => ExitReasonClassification {
  const dicts = compiledFor(dictionary);
  return (text) => classifyWith(dicts, text);
}

function classifyWith(
  dicts: readonly CompiledDictionary[],
  text: string,
): ExitReasonClassification {
  const tokens = tokenize(text);
  const hits: Hit[] = [];
  const seen = new Set<Entry>();
  let order = 0;
  for (const dict of dicts) order = findHits(dict, tokens, seen, hits, order);
  const scores = emptyScores();
  if (hits.length === 0) return { reason: 'other', confidence: 0, evidence: [], scores };
  hits.sort((a, b) => a.first - b.first || a.last - b.last || a.order - b.order);
  const firstSeen = new Map<ExitReason, number>();
  let total = 0;
  const evidence = hits.map((h): ExitReasonEvidence => {
    const { reason, weight, pattern } = h.entry;
    scores[reason] += weight;
    total += weight;
    if (!firstSeen.has(reason)) firstSeen.set(reason, h.first);
    const start = tokens[h.first]!.start;
    const end = tokens[h.last]!.end;
    return { reason, pattern, match: text.slice(start, end), start, end, weight };
  });
  let best: ExitReason = 'other';
  let bestScore = -1;
  for (const r of EXIT_REASONS) {
    const s = scores[r];
    if (s === 0) continue;
    if (s > bestScore || (s === bestScore && firstSeen.get(r)! < firstSeen.get(best)!)) {
      best = r;
      bestScore = s;
    }
  }
  const confidence = Math.round((bestScore / total) * (bestScore / (bestScore + 1)) * 1000) / 1000;
  return { reason: best, confidence, evidence, scores };
}
