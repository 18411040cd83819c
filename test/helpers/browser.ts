/**
 * Drives the system's Chromium (Debian's `chromium` package) through playwright-core, which
 * ships no browser of its own. The flags keep Chromium off the network: this machine's network
 * is closed, and a headless browser that tries to phone home stalls.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian installs Chromium. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every launch uses. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What {@link findChromium} found: the executable, or why there is none. */
export type ChromiumLookup = { path: string } | { path: null; reason: string };

/**
 * Finds Chromium: `CHROMIUM_PATH` when set (and nothing else, so a wrong value is noticed),
 * otherwise `/usr/bin/chromium`.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const wanted = env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  if (executable(wanted)) return { path: wanted };
  const where = env.CHROMIUM_PATH ? `CHROMIUM_PATH=${wanted}` : wanted;
  return {
    path: null,
    reason:
      `no Chromium executable at ${where}: install Debian's chromium ` +
      '(`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary',
  };
}

/** Launches headless Chromium from `path` with {@link CHROMIUM_ARGS}. */
export function launchChromium(path: string): Promise<Browser> {
  return chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, timeout: 15_000 });
}
