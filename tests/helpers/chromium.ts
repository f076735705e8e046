/**
 * How every browser here is launched: Debian's Chromium where it is installed (this machine, CI),
 * Playwright's own browser elsewhere, with the flags this closed network needs.
 */
import { existsSync } from 'node:fs';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

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

export function chromiumLaunchOptions(): { executablePath?: string; args: string[] } {
  return { ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}), args: CHROMIUM_ARGS };
}
