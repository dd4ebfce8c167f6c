/// <reference lib="dom" />
/**
 * The admin page in a real browser: Indonesian whatever the browser's language, English on request and remembered,
 * the server's messages in the page's language, the one-time password changed on the screen the page forces, a
 * TOTP code asked for after the password, roles seeing only their screens, and every asset served with its CSP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { testApp } from '../support/app.ts';
import { axeViolations, launch, needBrowser } from '../support/browser.ts';
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

  test('every file of the page is served with its type and a CSP that allows only its own scripts', async () => {
    const index = await fetch(`${base}/admin/`);
    const html = await index.text();
    assert.match(index.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.doesNotMatch(index.headers.get('content-security-policy')!, /script-src[^;]*unsafe/);
    const files = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]);
    assert.ok(files.includes('app.js') && files.includes('vendor/chart.js') && files.includes('style.css'));
    // app.js imports the rest: each module named in an import is served too.
    const seen = new Set<string>();
    const queue = ['app.js'];
    while (queue.length) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const r = await fetch(`${base}/admin/${name}`);
      assert.equal(r.status, 200, name);
      assert.match(r.headers.get('content-type')!, /text\/javascript/, name);
      for (const m of (await r.text()).matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(m[1]);
    }
    assert.ok(seen.size >= 30, `modules: ${seen.size}`);
    const chart = await (await fetch(`${base}/admin/vendor/chart.js`)).text();
    assert.match(chart, /Chart\.js v4\.6\.1/);
    assert.doesNotMatch(chart, /sourceMappingURL/);
    assert.equal((await fetch(`${base}/admin/nothing.js`)).status, 404);
  });

  test('the axe-core check is live: a planted unlabelled field and unreadable text are reported', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/admin/`);
    await page.waitForSelector('#login');
    assert.deepEqual(await axeViolations(page), []);
    await page.evaluate(() => {
      const bad = document.createElement('div');
      bad.innerHTML = '<input id="planted"><p style="color:#ccc;background:#fff">hampir tak terbaca</p>';
      document.querySelector('main')!.append(bad);
    });
    const ids = (await axeViolations(page)).map((v) => v.id);
    assert.ok(ids.includes('label') && ids.includes('color-contrast'), `found: ${ids}`);
    await page.close();
  });

  test('the keyboard alone: sign in, the focus on the new screen, back through the menu, the skip link', async () => {
    await t.put('user', { username: 'tika', role: 'supervisor', passwordHash: await hashPassword('kata-sandi-tika-123') });
    const page = await browser.newPage({ locale: 'id-ID' });
    await page.goto(`${base}/admin/`);
    await page.waitForSelector('#login');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'the cursor starts in the username');
    await page.keyboard.type('tika');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kata-sandi-tika-123');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#chart-calls');
    // A new screen takes the focus (screen readers read it from its start); the menu is just before it.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    let label = '';
    for (let i = 0; i < 12 && label !== 'Langganan'; i++) {
      await page.keyboard.press('Shift+Tab');
      label = await page.evaluate(() => (document.activeElement as HTMLElement).textContent ?? '');
    }
    assert.equal(label, 'Langganan');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Langganan');
    await page.reload();
    await page.waitForSelector('main h1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip', 'the first stop is the skip link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.close();
  });

  test('Indonesian first whatever the browser says; the one-time password changed; English on request and remembered', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${base}/admin`);
    assert.equal(await page.textContent('#login h1'), 'Masuk ke Mantra');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'salah-sekali');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error .error-box');
    assert.match((await page.textContent('#login-error'))!, /Nama pengguna atau kata sandi salah/);

    await page.fill('#password', oneTime);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#change');
    assert.equal(await page.isVisible('nav#nav'), false, 'no menu until the password is changed');
    await page.fill('#change [name=current]', oneTime);
    await page.fill('#change [name=new]', 'pendek');
    await page.click('#change-submit');
    await page.waitForSelector('#change .error-box');
    assert.ok(await page.locator('#change [name=new][aria-invalid=true]').count(), 'the field the server named is marked');
    await page.fill('#change [name=new]', 'kata-sandi-baru-123');
    await page.click('#change-submit');
    await page.waitForSelector('#chart-calls');
    await page.goto(`${base}/admin/#/agencies`);
    await page.waitForSelector('#list tbody td');
    assert.match((await page.textContent('#list tbody'))!, /Direktorat Jenderal Kependudukan/);

    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Agencies');
    assert.equal(await page.textContent('nav#nav a[href="#/agencies"]'), 'Agencies');
    await page.reload();
    await page.waitForSelector('main h1');
    assert.equal(await page.textContent('main h1'), 'Agencies', 'the choice is remembered');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    // The server answers in the page's language too.
    await page.click('#logout');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'salah-sekali');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error .error-box');
    assert.match((await page.textContent('#login-error'))!, /Wrong username or password/);
    await page.close();
  });

  test('a user with two-step sign-in is asked for the code after the password; a supervisor sees no writing buttons', async () => {
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
    await page.waitForSelector('#code-row:not([hidden])');
    assert.equal(await page.textContent('label[for=code]'), 'Kode autentikator (6 angka)');
    await page.fill('#code', '000000');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => /salah atau sudah dipakai/.test(document.querySelector('#login-error')?.textContent ?? ''));
    await page.fill('#code', await generate({ secret }));
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#chart-calls');
    const nav = await page.locator('nav#nav a').allTextContents();
    assert.ok(nav.includes('Jejak audit') && nav.includes('Pengaturan'), `a supervisor reads the trail and the settings: ${nav}`);
    await page.goto(`${base}/admin/#/agencies`);
    await page.waitForSelector('#list tbody td');
    assert.equal(await page.getByRole('button', { name: 'Tambah instansi' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Ubah/ }).count(), 0);
    await page.goto(`${base}/admin/#/settings`);
    await page.waitForSelector('#settings-form');
    assert.equal(await page.locator('#settings-save').count(), 0, 'supervisors do not save settings');
    assert.equal(await page.locator('#settings-form fieldset[disabled]').count(), 1);
    await page.close();
  });
});
