/// <reference lib="dom" />
/** Headless Chromium from Debian, driven by playwright-core; axe-core checks and screenshots for the admin page. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** Laptop and tablet (portrait) viewports the page must work at. */
export const viewports = { laptop: { width: 1366, height: 850 }, tablet: { width: 768, height: 1024 } } as const;

/** Where screenshots go: CI keeps .ci/out as its artifacts (gitignored). */
export const SCREENSHOTS = path.join(path.dirname(new URL(import.meta.url).pathname), '../../.ci/out/screenshots');

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE = path.join(path.dirname(new URL(import.meta.url).pathname), '../../node_modules/axe-core/axe.min.js');
let axeSource: string | undefined;

export interface AxeViolation { id: string; impact: string; help: string; nodes: string[] }

/**
 * Runs axe-core (from npm, pinned) in the page against WCAG 2.x A and AA rules and best practices; returns the
 * serious and critical violations. It is evaluated through the DevTools protocol, so the page's CSP stays as served.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(AXE, 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n: { target: string[] }) => n.target.join(' ')) }));
  });
}
