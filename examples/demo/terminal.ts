/** Small terminal helpers for the demo: colour when attached to a TTY, bars, tables, progress. */
const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const wrap = (open: number, close: number) => (text: string) =>
  tty ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const bold = wrap(1, 22);
export const dim = wrap(2, 22);
export const green = wrap(32, 39);
export const yellow = wrap(33, 39);
export const red = wrap(31, 39);
export const cyan = wrap(36, 39);

export function heading(title: string): void {
  console.log('');
  console.log(bold(cyan(`■ ${title}`)));
}

export function bar(value: number, max: number, width = 30): string {
  if (!(max > 0)) return '';
  const cells = Math.max(0, Math.min(width, (value / max) * width));
  const full = Math.floor(cells);
  const part = ' ▏▎▍▌▋▊▉'[Math.round((cells - full) * 8)] ?? '';
  return '█'.repeat(full) + (full < width ? part.trim() : '');
}

export function table(
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? '').length)));
  rows.forEach((row, r) => {
    const line = row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - visible(cell).length);
        return (align[i] ?? 'left') === 'right' ? pad + cell : cell + pad;
      })
      .join('  ');
    console.log(`  ${r === 0 ? dim(line) : line}`);
  });
}

function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes to measure width
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export function percent(x: number | null, digits = 1): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A progress bar on stderr that redraws in place on a TTY and prints milestones otherwise. */
export function progress(label: string): (done: number, total: number) => void {
  let last = -1;
  const interactive = process.stderr.isTTY === true;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    if (interactive) {
      process.stderr.write(
        `\r  ${label} ${bar(pct, 100, 24).padEnd(24, '·')} ${String(pct).padStart(3)}%`,
      );
      if (done >= total) process.stderr.write('\n');
    } else if (pct % 25 === 0) {
      process.stderr.write(`  ${label} ${pct}%\n`);
    }
    last = pct;
  };
}
