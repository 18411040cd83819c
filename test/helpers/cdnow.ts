/** Loads the CDNOW sample fixture (see test/fixtures/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CdnowCustomer {
  readonly id: number;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetaryValue: number;
}

export function loadCdnow(): CdnowCustomer[] {
  const text = readFileSync(
    join(import.meta.dirname, '..', 'fixtures', 'cdnow_customers_summary_with_transactions.csv'),
    'utf8',
  );
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [id, x, tx, T, zbar] = line.split(',').map(Number);
      return { id: id!, frequency: x!, recency: tx!, T: T!, monetaryValue: zbar! };
    });
}
