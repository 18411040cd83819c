import { describeType, failInput } from '../core/errors';
import { stableFraction } from '../core/hash';
import type { WinbackPolicy } from './defineWinbackPolicy';

/**
 * The group a customer falls in under a win-back policy's holdout: `'holdout'` when
 * `stableFraction(customerId, policy.holdout.salt)` is below `policy.holdout.share`, otherwise
 * `'treatment'`. The same customer always gets the same answer, in every runtime, and the hash
 * is MurmurHash3 (x86, 32 bit) of `salt + ':' + customerId`, so a warehouse query can reproduce
 * it (`mmh3.hash('winback:cus_42', 0, signed=False) / 2**32 < 0.1` in Python). {@link planWinback}
 * assigns groups with this function.
 *
 * @param customerId - The customer.
 * @param policy - A policy from {@link defineWinbackPolicy} (only `holdout` is read).
 * @returns `'holdout'` or `'treatment'`.
 * @throws {RetentionInputError} When the customer id is not a non-empty string.
 *
 * @example
 * const policy = defineWinbackPolicy({ id: 'winback', version: 1, holdout: { share: 0.1 } });
 * ['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5'].map((id) => winbackHoldoutGroup(id, policy))
 * //=> e.g. ['treatment', 'treatment', 'holdout', 'treatment', 'treatment']
 *
 * @example
 * const policy = defineWinbackPolicy({ id: 'winback', version: 1, holdout: { share: 0.1 } });
 * winbackHoldoutGroup('cus_42', policy) === (stableFraction('cus_42', 'winback') < 0.1 ? 'holdout' : 'treatment')
 * //=> true
 *
 * @category winback
 */
export function winbackHoldoutGroup(
  customerId: string,
  policy: Pick<WinbackPolicy, 'holdout'>,
): 'treatment' | 'holdout' {
  if (typeof customerId !== 'string' || customerId === '')
    failInput(
      { fn: 'winbackHoldoutGroup', root: 'customerId' },
      {
        code: 'invalid_type',
        path: [],
        expected: 'a non-empty string',
        received: describeType(customerId),
      },
    );
  const { share, salt } = policy.holdout;
  return share > 0 && stableFraction(customerId, salt) < share ? 'holdout' : 'treatment';
}
