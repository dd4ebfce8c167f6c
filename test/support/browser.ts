/** Headless Chromium from Debian, driven by playwright-core. */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { inCI } from './services.ts';

export const CHROMIUM = '/usr/bin/chromium';

export async function needBrowser(): Promise<string | undefined> {
  if (fs.existsSync(CHROMIUM)) return undefined;
  if (inCI) throw new Error(`${CHROMIUM} is required under CI`);
  console.warn(`\n*** SKIPPED: ${CHROMIUM} not installed ***\n`);
  return 'chromium not installed';
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
