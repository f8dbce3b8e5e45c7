// Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { loadTestServices } from '../../src/config.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Returns whether browser tests can run here; in CI a missing browser is an error, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `${CHROMIUM_PATH} is missing: browser tests cannot run (install it with: apt-get install -y chromium)`;
  if (loadTestServices().requireBrowser) throw new Error(message);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
  return false;
}

/** Returns a launched headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}
