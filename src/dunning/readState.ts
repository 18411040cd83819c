/**
 * Validation of a stored {@link DunningState}, by hand: it runs on every planning call, where a
 * schema library would cost more than the planning itself. Internal to the dunning module.
 */
import { describeType, failInput, type IssuePath } from '../core/errors';
import { isEpochMs } from '../core/instant';
import { lazy } from '../core/lazy';
import { isCurrencyCode } from '../core/money';
import type { DunningState } from './planDunning';

type Check =
  | 'instant'
  | 'instant?'
  | 'count'
  | 'positive'
  | 'id'
  | 'string?'
  | 'currency'
  | readonly string[]
  | readonly (string | null)[];

const REASONS = [
  'insufficient_funds',
  'temporary',
  'generic',
  'unknown',
  'fraud',
  'lost_or_stolen',
  'invalid_account',
  'refused',
  'revoked',
  'expired_card',
  'card_details',
  'authentication',
] as const;

const specs = /* @__PURE__ */ lazy(() => ({
  attempt: {
    at: 'instant',
    by: ['charge', 'retry', 'customer'],
    round: 'positive',
    code: 'string?',
    class: ['soft', 'hard', 'update_required'],
    reason: REASONS,
  } satisfies Record<string, Check>,
  campaign: {
    id: 'id',
    currency: 'currency',
    policyId: 'id',
    policyVersion: 'positive',
    status: ['open', 'recovered', 'final_action'],
    startedAt: 'instant',
    finalActionAt: 'instant',
    closedAt: 'instant?',
    recoveredBy: ['retry', 'customer', null],
    amountFailed: 'count',
    amountDue: 'count',
    recoveredByRetries: 'count',
    recoveredByCustomer: 'count',
    invoiceIds: 'list',
    charge: 'positive',
    round: 'positive',
    chargeFailedAt: 'instant',
    anchorAt: 'instant',
    windowEnd: 'instant',
    nextChargeAt: 'instant',
    attempts: 'list',
    updates: 'count',
    retryOnUpdateAt: 'instant?',
  } satisfies Record<string, Check | 'list'>,
}));

const LIMITS = { campaigns: 200, attempts: 1000, invoiceIds: 1000, pending: 10_000 } as const;

function fail(
  path: IssuePath,
  code: 'required' | 'invalid_type' | 'invalid_enum' | 'unknown_key' | 'too_big' | 'out_of_range',
  expected: string,
  value?: unknown,
): never {
  return failInput(
    { fn: 'planDunning', path: ['state', ...path], root: 'options' },
    code === 'required' || code === 'unknown_key'
      ? { code, path: [] }
      : { code, path: [], expected, received: describeType(value) },
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valid(check: Check, v: unknown): boolean {
  switch (check) {
    case 'instant':
      return isEpochMs(v);
    case 'instant?':
      return v === null || isEpochMs(v);
    case 'count':
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'positive':
      return Number.isSafeInteger(v) && (v as number) >= 1;
    case 'id':
      return typeof v === 'string' && v.length > 0 && v.length <= 256;
    case 'string?':
      return v === null || typeof v === 'string';
    case 'currency':
      return isCurrencyCode(v);
    default:
      return (check as readonly unknown[]).includes(v);
  }
}

const EXPECTED: Record<string, string> = {
  instant: 'integer epoch milliseconds',
  'instant?': 'integer epoch milliseconds or null',
  count: 'an integer >= 0',
  positive: 'an integer >= 1',
  id: 'a non-empty string',
  'string?': 'a string or null',
  currency: "three upper-case letters, e.g. 'USD'",
};

/** Throws for a value that fails its check (the path is built only then). */
function checkValue(check: Check, v: unknown, path: IssuePath): void {
  if (valid(check, v)) return;
  if ((check === 'count' || check === 'positive') && Number.isSafeInteger(v))
    fail(path, 'out_of_range', EXPECTED[check]!, v);
  if (typeof check === 'string') fail(path, 'invalid_type', EXPECTED[check]!, v);
  fail(path, 'invalid_enum', check.map((c) => JSON.stringify(c)).join(', '), v);
}

function checkRecord(
  value: unknown,
  spec: Readonly<Record<string, Check | 'list'>>,
  path: IssuePath,
  lists: (key: string, list: readonly unknown[], path: IssuePath) => void,
): void {
  if (!isRecord(value)) fail(path, 'invalid_type', 'an object', value);
  for (const key in value) if (!(key in spec)) fail([...path, key], 'unknown_key', '');
  for (const key in spec) {
    const v = value[key];
    if (v === undefined) fail([...path, key], 'required', '');
    const check = spec[key]!;
    if (check === 'list') {
      if (!Array.isArray(v)) fail([...path, key], 'invalid_type', 'an array', v);
      lists(key, v, [...path, key]);
    } else if (!valid(check, v)) checkValue(check, v, [...path, key]);
  }
}

function checkList(list: readonly unknown[], max: number, path: IssuePath): void {
  if (list.length > max) fail(path, 'too_big', `at most ${max} item(s)`, list);
}

/**
 * Checks a stored state and returns it (the planner never changes it). Throws a
 * `RetentionInputError` naming the path, e.g. `options.state.campaigns[0].attempts[1].class`.
 */
export function checkState(state: unknown): DunningState {
  const s = specs();
  if (!isRecord(state)) fail([], 'invalid_type', 'a dunning state', state);
  for (const key in state)
    if (
      key !== 'format' &&
      key !== 'subscriptionId' &&
      key !== 'plannedAt' &&
      key !== 'lastEventAt' &&
      key !== 'campaigns' &&
      key !== 'pending'
    )
      fail([key], 'unknown_key', '');
  if (state.format !== 1) fail(['format'], 'invalid_enum', '1', state.format);
  checkValue('id', state.subscriptionId, ['subscriptionId']);
  checkValue('instant?', state.plannedAt, ['plannedAt']);
  checkValue('instant?', state.lastEventAt, ['lastEventAt']);
  const { campaigns, pending } = state;
  if (!Array.isArray(campaigns)) fail(['campaigns'], 'invalid_type', 'an array', campaigns);
  checkList(campaigns, LIMITS.campaigns, ['campaigns']);
  for (let i = 0; i < campaigns.length; i++)
    checkRecord(campaigns[i], s.campaign, ['campaigns', i], checkCampaignList);
  if (!Array.isArray(pending)) fail(['pending'], 'invalid_type', 'an array', pending);
  checkList(pending, LIMITS.pending, ['pending']);
  for (let i = 0; i < pending.length; i++) {
    const p: unknown = pending[i];
    if (!isRecord(p)) fail(['pending', i], 'invalid_type', 'an object', p);
    for (const key in p)
      if (key !== 'key' && key !== 'dueAt') fail(['pending', i, key], 'unknown_key', '');
    if (typeof p.key !== 'string') fail(['pending', i, 'key'], 'invalid_type', 'a string', p.key);
    checkValue('instant', p.dueAt, ['pending', i, 'dueAt']);
  }
  return state as unknown as DunningState;
}

function checkCampaignList(key: string, list: readonly unknown[], path: IssuePath): void {
  if (key === 'invoiceIds') {
    checkList(list, LIMITS.invoiceIds, path);
    for (let i = 0; i < list.length; i++)
      if (!valid('id', list[i])) checkValue('id', list[i], [...path, i]);
    return;
  }
  checkList(list, LIMITS.attempts, path);
  const spec = specs().attempt;
  for (let i = 0; i < list.length; i++) checkRecord(list[i], spec, [...path, i], noLists);
}

function noLists(): void {}
