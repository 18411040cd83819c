import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.includes('.test.') && !entry.name.includes('.test-d.'))
      latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds dist/ once before the packaging tests when it is missing or older than the sources. */
export default function setup(): void {
  const root = process.cwd();
  const marker = join(root, 'dist', 'index.js');
  const sources = Math.max(
    newest(join(root, 'src')),
    statSync(join(root, 'package.json')).mtimeMs,
    statSync(join(root, 'tsup.config.ts')).mtimeMs,
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return;
  execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsup'], {
    cwd: root,
    stdio: 'inherit',
  });
}
