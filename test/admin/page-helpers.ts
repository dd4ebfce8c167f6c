/// <reference lib="dom" />
/** Steps a person takes on the admin page, for the browser tests. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Signs in; with a one-time password, changes it to `next` on the screen the page forces. */
export async function signIn(page: Page, base: string, username: string, password: string, next?: string) {
  await page.goto(`${base}/admin/#/dashboard`);
  await page.waitForSelector('#login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login button[type=submit]');
  if (next) {
    await page.waitForSelector('#change');
    await page.fill('#change [name=current]', password);
    await page.fill('#change [name=new]', next);
    await page.click('#change-submit');
  }
  await page.waitForSelector('nav#nav a[aria-current=page]');
}

export async function signOut(page: Page) {
  await page.click('#logout');
  await page.waitForSelector('#login');
  assert.equal(await page.isVisible('nav#nav'), false, 'no menu once signed out');
  assert.equal(await page.textContent('#who'), '');
}

export async function open(page: Page, base: string, hash: string, ready: string) {
  await page.goto(`${base}/admin/#/${hash}`);
  await page.waitForSelector(ready, { timeout: 15_000 }).catch(async (err) => {
    // Say what the screen showed instead: usually the page's own error message.
    throw new Error(`${hash}: ${ready} not found; the screen shows: ${(await page.textContent('main'))?.slice(0, 400)}`, { cause: err });
  });
}

/** Waits for a toast with this text (the page's short success and failure notes). */
export async function toast(page: Page, text: string | RegExp) {
  await page.locator('.toast', { hasText: text }).first().waitFor();
}

/** Clicks and waits for the note it brings, not one left from before. */
export async function clickForToast(page: Page, selector: string, text: string | RegExp) {
  await page.evaluate(() => document.getElementById('toasts')!.replaceChildren());
  await page.click(selector);
  await toast(page, text);
}

/** Fills the add form of a list screen and saves it; fails with the page's error message if saving fails. */
export async function addEntry(page: Page, addLabel: string, values: Record<string, string | boolean>) {
  await page.getByRole('button', { name: addLabel, exact: true }).first().click();
  await page.waitForSelector('#editor form');
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`#editor [name="${name}"]`);
    const tag = await field.evaluate((el) => `${el.tagName}:${(el as HTMLInputElement).type}`);
    if (tag.startsWith('SELECT')) await field.selectOption(String(value));
    else if (tag.endsWith(':checkbox')) await field.setChecked(Boolean(value));
    else await field.fill(String(value));
  }
  await page.click('#editor form .actions button:first-child');
  await Promise.race([
    page.waitForSelector('#editor form', { state: 'detached' }),
    page.waitForSelector('#editor .error-box').then(async () => assert.fail(await page.textContent('#editor .error-box') ?? 'error')),
  ]);
}

/** The key a screen shows once. */
export async function shownKey(page: Page): Promise<string> {
  const key = (await page.locator('#shown-key').first().textContent())!.trim();
  assert.match(key, /^[a-z0-9]{32}$/);
  return key;
}
