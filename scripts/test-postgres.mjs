/**
 * `npm run test:postgres`: runs the PostgreSQL store's tests (the conformance suite on separate
 * connections, and multi-connection concurrency) against a real server started for the run.
 */
import { spawnSync } from 'node:child_process';
import { startPostgres } from './postgres-server.mjs';

let server;
try {
  server = await startPostgres();
} catch (error) {
  console.error(
    error.code === 'NO_POSTGRES'
      ? error.message
      : `could not start PostgreSQL: ${error.message}\n${error.stderr ?? ''}`,
  );
  process.exit(1);
}
console.log(`PostgreSQL running at ${server.url}`);
let status = 1;
try {
  const result = spawnSync(
    'npx',
    ['vitest', 'run', '--project', 'postgres', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, RETENTION_KIT_PG_URL: server.url },
    },
  );
  status = result.status ?? 1;
} finally {
  server.stop();
}
process.exit(status);
