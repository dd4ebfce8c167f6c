/// <reference lib="dom" />
/**
 * The admin page end to end, in headless Chromium against a real running server (startServer) over a real
 * PostgreSQL: the first administrator signs in with the one-time password, sets up agencies, users, a service and a
 * connector (tested, its tables browsed), builds a data operation in MANTRA's table form, tries it in Tinjauan with a
 * key granted to a test application; a requester asks for it, the provider approves, the application calls with its
 * key (and the catalogue's snippets do, run by curl, PHP, Node, Python and Java); the call is in the audit trail and in
 * the dashboard's charts. Every main screen is saved as a screenshot at laptop and tablet widths and checked by axe-core.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startServer, type Running } from '../../src/server.ts';
import { axeViolations, launch, needBrowser, screenshot, viewports } from '../support/browser.ts';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg, pendudukRows } from '../support/penduduk.ts';
import { setLogLevel } from '../../src/observability/log.ts';
import { addEntry, open, shownKey, signIn, signOut, toast } from './page-helpers.ts';

setLogLevel('error');
const skip = (await needBrowser()) ?? (await needService('postgres', pgUrl));
const OP = 'dukcapil/kependudukan/penduduk_by_nik';
const [person] = pendudukRows();
const [NIK, NAMA] = person;

/** A program on this machine, or undefined (the snippet test then says which were run). */
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const run = promisify(execFile);

describe('admin page: the whole journey', { skip }, () => {
  let server: Running, browser: Browser, page: Page;
  let base = '', dataDir = '';
  const keys: Record<string, string> = {};
  const errors: string[] = [];

  before(async () => {
    await loadPendudukPg();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-admin-journey-'));
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', workers: 0 });
    base = `http://127.0.0.1:${server.server.port}`;
    browser = await launch();
    page = await browser.newPage({ viewport: viewports.laptop, locale: 'en-US' });
    page.on('dialog', (d) => d.accept());
    page.on('pageerror', (e) => errors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the administrator signs in with the one-time password, in Indonesian although the browser asks for English', async () => {
    await page.goto(`${base}/admin/`);
    await page.waitForSelector('#login');
    assert.equal(await page.textContent('#login h1'), 'Masuk ke Mantra');
    await page.fill('#username', 'admin');
    await page.fill('#password', 'salah-sama-sekali');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error .error-box');
    assert.equal((await page.textContent('#login-error .error-box'))!.trim(), 'Nama pengguna atau kata sandi salah');
    await signIn(page, base, 'admin', server.firstAdmin.password!, 'kata-sandi-admin-baru-1');
    assert.equal(await page.textContent('#who'), 'Administrator (admin) · Administrator');
  });

  test('agencies, users and a service', async () => {
    await open(page, base, 'agencies', 'h1');
    await addEntry(page, 'Tambah instansi', { slug: 'dukcapil', name: 'Direktorat Jenderal Kependudukan dan Pencatatan Sipil' });
    await addEntry(page, 'Tambah instansi', { slug: 'bank', name: 'Bank Pembangunan Daerah' });
    await page.waitForSelector('#list tr[data-id=bank]');
    // A clear message for a refused entry: the same slug again is a 409 with the server's words.
    await page.getByRole('button', { name: 'Tambah instansi', exact: true }).click();
    await page.fill('#editor [name=slug]', 'bank');
    await page.fill('#editor [name=name]', 'Lagi');
    await page.click('#editor form .actions button:first-child');
    await page.waitForSelector('#editor .error-box');
    assert.match((await page.textContent('#editor .error-box'))!, /Instansi "bank" sudah ada/);
    await page.click('#editor form .actions button.secondary');

    await open(page, base, 'users', 'h1');
    await addEntry(page, 'Tambah pengguna', { username: 'ani', fullName: 'Ani Penyedia', role: 'provider', agency: 'dukcapil', password: 'sekali-pakai-ani-1' });
    await addEntry(page, 'Tambah pengguna', { username: 'budi', fullName: 'Budi Pemohon', role: 'requester', agency: 'bank', password: 'sekali-pakai-budi-1' });
    assert.match((await page.textContent('#list tr[data-id=budi]'))!, /Pemohon/);

    await open(page, base, 'services', 'h1');
    await addEntry(page, 'Tambah layanan', { agency: 'dukcapil', slug: 'kependudukan', name: 'Data kependudukan' });
    await page.waitForSelector('#list tr[data-id="dukcapil/kependudukan"]');
  });

  test('a PostgreSQL connector: added, tested, its tables and columns browsed', async () => {
    const db = new URL(pgUrl);
    await open(page, base, 'connectors', 'h1');
    await addEntry(page, 'Tambah konektor', {
      agency: 'dukcapil', slug: 'siak', kind: 'postgres', host: db.hostname, port: db.port || '5432', database: 'kependudukan',
      user: decodeURIComponent(db.username), ...(db.password ? { password: decodeURIComponent(db.password) } : {}),
    });
    await page.getByRole('button', { name: 'Uji koneksi dukcapil/siak' }).click();
    await toast(page, 'Koneksi dukcapil/siak berhasil');
    await page.getByRole('button', { name: 'Tabel dukcapil/siak' }).click();
    await page.click('#browser button[data-table=penduduk]');
    await page.waitForSelector('#columns table');
    const columns = await page.locator('#columns tbody td:first-child').allTextContents();
    assert.deepEqual(columns, ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah']);
  });

  test('a data operation built in MANTRA style: table, columns, a condition on a caller parameter, a limit', async () => {
    await open(page, base, 'operation/new', '#data-editor');
    await page.selectOption('#operation-form [name=agency]', 'dukcapil');
    await page.selectOption('#operation-form [name=service]', 'kependudukan');
    await page.fill('#operation-form [name=slug]', 'penduduk_by_nik');
    await page.fill('#operation-form [name=description]', 'Data penduduk menurut NIK');
    await page.selectOption('#data-editor [name=table]', 'penduduk');
    await page.waitForSelector('#columns-pick input[value=nik]');
    for (const c of ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin']) await page.check(`#columns-pick input[value=${c}]`);
    await page.getByRole('button', { name: 'Tambah kondisi' }).click();
    await page.selectOption('#data-editor .list-editor [name=column]', 'nik');
    await page.fill('#data-editor .list-editor [name=ref]', 'nik');
    await page.fill('#data-editor [name=limit]', '1');
    await page.click('#save-operation');
    await toast(page, 'Parameter ditambahkan (teks, wajib): nik');
    await page.waitForFunction((op) => location.hash === `#/operation/${op}`, OP);
    const op = await (await fetch(`${base}/catalogue/openapi.json`)).json();
    assert.ok(op.paths[`/v1/${OP}`], 'published in the catalogue');
  });

  test('Tinjauan: a key granted to a test application; the answer as a table, JSON, XML, PHP array and serialized text', async () => {
    await open(page, base, 'consumers', 'h1');
    await addEntry(page, 'Tambah aplikasi', { agency: 'dukcapil', slug: 'uji', name: 'Uji internal' });
    await open(page, base, 'subscriptions', '#sub-grant');
    await page.click('#sub-grant');
    await page.selectOption('#sub-panel [name=consumer]', 'dukcapil/uji');
    await page.selectOption('#sub-panel [name=operation]', OP);
    await page.fill('#sub-panel [name=purpose]', 'Uji coba operasi');
    await page.click('#sub-submit');
    await page.waitForSelector('#shown-key');
    keys.test = await shownKey(page);

    await open(page, base, `console/${OP}`, '#console-params [name=nik]');
    await page.fill('#console-form [name=key]', keys.test);
    await page.fill('#console-params [name=nik]', NIK);
    await page.click('#console-call');
    await page.waitForSelector('#answer-table table');
    assert.match((await page.textContent('#console-summary'))!, /Berhasil.*HTTP 200.*1 baris/);
    assert.deepEqual(await page.locator('#answer-table thead th').allTextContents(), ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin']);
    assert.equal(await page.textContent('#answer-table tbody td:nth-child(2)'), NAMA);
    await screenshot(page, 'tinjauan-table-laptop');
    const formats: Record<string, RegExp> = {
      json: new RegExp(`"nama": "${NAMA}"`),
      xml: new RegExp(`<nama>${NAMA}</nama>`),
      php: new RegExp(`'nama' => '${NAMA}'`),
      serialize: new RegExp(`s:4:"nama";s:${NAMA.length}:"${NAMA}";`),
    };
    for (const [format, expected] of Object.entries(formats)) {
      await page.click(`#console-result [role=tab][data-tab=${format}]`);
      await page.waitForSelector(`#answer-${format}`);
      assert.match((await page.textContent(`#answer-${format}`))!, expected, format);
    }
    await screenshot(page, 'tinjauan-xml-laptop');
    // A wrong key: MANTRA's own refusal, shown as the gateway gave it.
    await page.fill('#console-form [name=key]', 'kunci-yang-salah');
    await page.click('#console-call');
    await page.waitForFunction(() => /Gagal/.test(document.querySelector('#console-summary')?.textContent ?? ''));
    assert.match((await page.textContent('#console-summary'))!, /kode 10002/);
    await signOut(page);
  });

  test('the requester asks for access for its application; the key is shown once', async () => {
    await signIn(page, base, 'budi', 'sekali-pakai-budi-1', 'kata-sandi-budi-baru-1');
    const nav = await page.locator('nav#nav a').allTextContents();
    assert.ok(!nav.includes('Konektor') && !nav.includes('Pengaturan') && !nav.includes('Jejak audit'), `a requester's menu: ${nav}`);
    await open(page, base, 'consumers', 'h1');
    await addEntry(page, 'Tambah aplikasi', { agency: 'bank', slug: 'mobile', name: 'Mobile banking' });
    await open(page, base, 'subscriptions', '#sub-request');
    assert.equal(await page.locator('#sub-grant').count(), 0, 'requesters do not grant');
    await page.click('#sub-request');
    await page.selectOption('#sub-panel [name=consumer]', 'bank/mobile');
    await page.selectOption('#sub-panel [name=operation]', OP);
    await page.fill('#sub-panel [name=purpose]', 'Verifikasi nasabah baru');
    await page.fill('#sub-panel [name=legalBasis]', 'POJK 12/2017');
    await page.click('#sub-submit');
    await page.waitForSelector('#shown-key');
    keys.bank = await shownKey(page);
    await page.waitForSelector('#sub-list tr[data-consumer="bank/mobile"][data-status=requested]');
    assert.equal(await page.locator('#sub-list [data-act="subs.approve"]').count(), 0, 'a requester cannot approve');
    // Not approved yet: the key does not work.
    const early = await call(keys.bank);
    assert.equal(early.response.code, 10002);
    await signOut(page);
  });

  test('the provider approves with terms', async () => {
    await signIn(page, base, 'ani', 'sekali-pakai-ani-1', 'kata-sandi-ani-baru-1');
    const nav = await page.locator('nav#nav a').allTextContents();
    assert.ok(nav.includes('Konektor') && !nav.includes('Pengguna & peran') && !nav.includes('Jejak audit') && !nav.includes('Pengaturan'), `a provider's menu: ${nav}`);
    await open(page, base, 'subscriptions', '#sub-list tr[data-consumer="bank/mobile"]');
    await page.click('#sub-list tr[data-consumer="bank/mobile"] [data-act="subs.approve"]');
    await page.fill('#sub-panel [name=rateLimit]', '60');
    await page.fill('#sub-panel [name=note]', 'Disetujui untuk verifikasi');
    await page.click('#sub-submit');
    await toast(page, 'Langganan disetujui');
    await page.waitForSelector('#sub-list tr[data-consumer="bank/mobile"][data-status=approved]');
    assert.match((await page.textContent('#sub-list tr[data-consumer="bank/mobile"]'))!, /60\/menit/);
    await signOut(page);
  });

  test('the application calls with its key; the catalogue snippets run with it as downloaded', async () => {
    const answer = await call(keys.bank);
    assert.equal(answer.response.status, 1);
    assert.equal(answer.response.data.penduduk_by_nik['0'].nama, NAMA);

    // The public catalogue, without signing in: the snippets, filled in on the page, downloaded and run.
    const visitor = await browser.newPage({ viewport: viewports.laptop, acceptDownloads: true });
    await visitor.goto(`${base}/admin/#/catalogue`);
    const card = visitor.locator('#op-dukcapil-kependudukan-penduduk_by_nik');
    await card.waitFor();
    assert.match((await card.textContent())!, /nik, nama, tgl_lahir, jenis_kelamin/);
    await card.getByRole('button', { name: 'Contoh kode klien' }).click();
    await card.locator('[name=nik]').fill(NIK);
    await card.locator('#sample-key-penduduk_by_nik').fill(keys.bank);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-snippets-'));
    const runners: Record<string, (file: string) => string[] | undefined> = {
      curl: (f) => (has('curl') ? ['sh', f] : undefined),
      php: (f) => (has('php') ? ['php', f] : undefined),
      adapter: (f) => (has('php') ? ['php', f] : undefined),
      javascript: (f) => ['node', f],
      python: (f) => (has('python3') ? ['python3', f] : undefined),
      java: (f) => (has('java') ? ['java', f] : undefined),
    };
    const ran: string[] = [];
    for (const [id, runner] of Object.entries(runners)) {
      await card.locator(`[role=tab][data-tab=${id}]`).click();
      const [download] = await Promise.all([visitor.waitForEvent('download'), card.locator(`[data-download=${id}]`).click()]);
      const file = path.join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const cmd = runner(file);
      if (!cmd) continue;
      // Asynchronously: the server answering it runs in this process.
      const r = await run(cmd[0], cmd.slice(1), { cwd: dir, encoding: 'utf8', timeout: 60_000 }).catch((err) => assert.fail(`${id}: ${err.stderr || err.message}`));
      assert.match(r.stdout, new RegExp(NAMA), `${id} prints the record: ${r.stdout.slice(0, 300)}`);
      ran.push(id);
    }
    if (ran.length < Object.keys(runners).length) console.warn(`snippets run: ${ran.join(', ')}`);
    assert.ok(ran.includes('javascript') && ran.includes('curl'));
    await screenshot(visitor, 'catalogue-laptop');
    await visitor.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the call is in the audit trail (times in WIB) and in the dashboard charts', async () => {
    await signIn(page, base, 'admin', 'kata-sandi-admin-baru-1');
    await server.tracker.flush();
    await open(page, base, 'tracks', '#track-filters');
    await page.fill('#track-filters [name=consumer]', 'bank/mobile');
    await page.selectOption('#track-filters [name=status]', 'ok');
    let rows = 0;
    for (let i = 0; i < 50 && rows === 0; i++) {
      await page.click('#track-filters button[type=submit]');
      await page.waitForSelector('#track-list table');
      rows = await page.locator('#track-list tbody tr[data-operation=penduduk_by_nik]').count();
      if (!rows) await page.waitForTimeout(200);
    }
    assert.ok(rows >= 1, 'the application\'s call is tracked');
    const row = page.locator('#track-list tbody tr[data-operation=penduduk_by_nik]').first();
    assert.match((await row.textContent())!, /WIB/);
    await row.getByRole('button', { name: /Rincian/ }).click();
    await page.waitForSelector('#track-h');
    assert.match((await page.textContent('#track-detail'))!, /Verifikasi nasabah baru/);
    assert.match((await page.textContent('#track-detail'))!, /POJK 12\/2017/);

    await open(page, base, 'dashboard', '#chart-top-consumers');
    let labels: string[] = [];
    for (let i = 0; i < 50 && !labels.includes('bank/mobile'); i++) {
      await page.click('#dash-refresh');
      await page.waitForSelector('#chart-top-consumers');
      await page.waitForFunction(() => (window as any).Chart?.getChart(document.querySelector('#chart-top-consumers')));
      labels = await page.evaluate(() => (window as any).Chart.getChart(document.querySelector('#chart-top-consumers')).data.labels);
      if (!labels.includes('bank/mobile')) await page.waitForTimeout(200);
    }
    assert.ok(labels.includes('bank/mobile'), `top consumers: ${labels}`);
    const ops = await page.evaluate(() => (window as any).Chart.getChart(document.querySelector('#chart-top-ops')).data.labels);
    assert.ok(ops.includes(OP), `top operations: ${ops}`);
    const perHour = await page.evaluate(() => (window as any).Chart.getChart(document.querySelector('#chart-calls')).data.datasets[0].data);
    assert.ok(perHour.reduce((a: number, b: number) => a + b, 0) >= 4, `calls per hour: ${perHour}`);
    const byKind = await page.evaluate(() => (window as any).Chart.getChart(document.querySelector('#chart-kind')).data.datasets.map((d: any) => d.label));
    assert.ok(byKind.includes('Data — berhasil') && byKind.includes('Data — gagal'), `by kind: ${byKind}`);
  });

  test('every main screen at laptop and tablet widths: screenshots, and no serious or critical axe-core violation', async () => {
    const screens: [string, string][] = [
      ['dashboard', '#chart-calls'], ['agencies', '#list table'], ['users', '#list table'], ['connectors', '#list table'],
      ['services', '#list table'], [`operation/${OP}`, '#data-editor #columns-pick'], [`console/${OP}`, '#console-params'],
      ['catalogue', '#catalogue-list article'], ['consumers', '#list table'], ['subscriptions', '#sub-list table'],
      ['tracks', '#track-list table'], ['settings', '#settings-form'], ['profile', '#change'],
    ];
    const problems: string[] = [];
    for (const [width, viewport] of Object.entries(viewports)) {
      await page.setViewportSize(viewport);
      for (const [hash, ready] of screens) {
        await open(page, base, hash, ready);
        await page.waitForTimeout(150);
        const name = hash.split('/')[0];
        // A value the page forgot to leave out would read "null" or "undefined".
        const shown = await page.textContent('main');
        if (/\b(null|undefined|NaN)\b|\[object /.test(shown ?? '')) problems.push(`${name} (${width}): shows ${shown!.match(/\b(null|undefined|NaN)\b|\[object /)![0]}`);
        await screenshot(page, `${name}-${width}`);
        for (const v of await axeViolations(page)) problems.push(`${name} (${width}): ${v.id} ${v.impact}: ${v.help} at ${v.nodes.join(', ')}`);
        // Nothing wider than the window: usable without scrolling sideways (tables scroll in their own box).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) problems.push(`${name} (${width}): ${overflow}px wider than the window`);
      }
    }
    await signOut(page);
    await page.setViewportSize(viewports.tablet);
    await screenshot(page, 'login-tablet');
    for (const v of await axeViolations(page)) problems.push(`login: ${v.id} ${v.impact}: ${v.help} at ${v.nodes.join(', ')}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, [], 'no script errors on any screen');
  });

  /** The application's call, as MANTRA clients make it: compatible JSON path, AccessKey header, form body. */
  async function call(key: string) {
    const r = await fetch(`${base}/json/${OP}`, { method: 'POST', headers: { AccessKey: key }, body: new URLSearchParams({ nik: NIK }) });
    return r.json();
  }
});
