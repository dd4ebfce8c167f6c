/**
 * The admin page in a real browser: sign in with a one-time password, change it, see the lists, switch language;
 * sign in with a TOTP code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { testApp } from '../support/app.ts';
import { launch, needBrowser } from '../support/browser.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';
import { ensureFirstAdmin } from '../../src/admin-api/first-admin.ts';
import { generate } from 'otplib';
import { hashPassword } from '../../src/security/password.ts';
import { newTotpSecret } from '../../src/security/totp.ts';

const skip = await needBrowser();

describe('admin page', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>, server: Server, browser: Browser;
  let base = '', oneTime = '';

  before(async () => {
    t = await testApp();
    oneTime = (await ensureFirstAdmin(t.store, {})).password!;
    await t.put('agency', { slug: 'dukcapil', name: 'Direktorat Jenderal Kependudukan' });
    server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => t.app.fetch(req, info) });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await t?.close();
  });

  test('sign in, change the one-time password, list agencies; Indonesian first, English on request', async () => {
    const page = await browser.newPage({ locale: 'id-ID' });
    await page.goto(`${base}/admin`);
    assert.equal(await page.textContent('h1'), 'Masuk ke Mantra');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'salah-sekali');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#login-error')?.textContent !== '');
    assert.ok((await page.textContent('#login-error'))!.length > 0);

    await page.fill('#password', oneTime);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#change:not(.hidden)');
    await page.fill('#new-password', 'kata-sandi-baru-123');
    await page.click('#change button[type=submit]');
    await page.waitForSelector('#list tbody tr td');
    assert.match((await page.textContent('#list tbody'))!, /Direktorat Jenderal Kependudukan/);

    await page.selectOption('#lang', 'en');
    assert.equal(await page.textContent('nav button[data-list=agencies]'), 'Agencies');
    await page.screenshot({ path: `${t.dir}/admin.png` });
    await page.close();
  });

  test('a user with two-step sign-in is asked for the code after the password', async () => {
    const secret = newTotpSecret();
    await t.put('user', {
      username: 'ani', role: 'supervisor', passwordHash: await hashPassword('kata-sandi-ani-123'),
      totp: { secret: t.secrets.encrypt(secret), confirmed: true },
    });
    const page = await browser.newPage({ locale: 'id-ID' });
    await page.goto(`${base}/admin`);
    assert.equal(await page.isVisible('#code'), false);
    await page.fill('#username', 'ani');
    await page.fill('#password', 'kata-sandi-ani-123');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#code-row:not(.hidden)');
    assert.equal(await page.textContent('label[for=code]'), 'Kode autentikator (6 angka)');
    await page.fill('#code', await generate({ secret }));
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#list tbody tr td');
    assert.match((await page.textContent('#list tbody'))!, /Direktorat Jenderal Kependudukan/);
    await page.close();
  });
});
