/// <reference lib="dom" />
/**
 * Settings, proxy and composite operations on the admin page, in headless Chromium against a running server: the
 * branding (name, logo, time zone) saved and shown before sign-in, a refused value marked on its field, a test mail
 * taken by a real SMTP server, a proxy operation in front of this same Mantra (a Mantra behind Mantra) built and
 * called in Tinjauan, and a composite checked, saved and dry-run with its step's input and output shown.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type Running } from '../../src/server.ts';
import { axeViolations, launch, needBrowser, screenshot, viewports } from '../support/browser.ts';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg, pendudukRows } from '../support/penduduk.ts';
import { needSmtpSink, type SmtpSink, startSmtpSink } from '../support/smtp.ts';
import { setLogLevel } from '../../src/observability/log.ts';
import { clickForToast, open, signIn, toast } from './page-helpers.ts';

setLogLevel('error');
const skip = (await needBrowser()) ?? (await needService('postgres', pgUrl)) ?? needSmtpSink();
const [[NIK, NAMA]] = pendudukRows();
const PASSWORD = 'kata-sandi-admin-baru-1';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('admin page: settings, proxy and composite builders', { skip }, () => {
  let server: Running, browser: Browser, page: Page, sink: SmtpSink;
  let base = '', dataDir = '', token = '';
  const errors: string[] = [];
  const keys: Record<string, string> = {};

  /** The admin API as a script would use it, for the setup this test is not about. */
  async function adminApi(method: string, url: string, body?: unknown) {
    const r = await fetch(`${base}/admin/api${url}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = r.status === 204 ? null : await r.json();
    assert.ok(r.ok, `${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }

  before(async () => {
    await loadPendudukPg();
    sink = await startSmtpSink();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-admin-builders-'));
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', workers: 0 });
    base = `http://127.0.0.1:${server.server.port}`;
    const login = await (await fetch(`${base}/admin/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: server.firstAdmin.password }),
    })).json();
    token = login.token;
    await adminApi('POST', '/password', { current: server.firstAdmin.password, new: PASSWORD });
    const db = new URL(pgUrl);
    await adminApi('POST', '/agencies', { slug: 'dukcapil', name: 'Dukcapil' });
    await adminApi('POST', '/services', { agency: 'dukcapil', slug: 'kependudukan' });
    await adminApi('POST', '/connectors', {
      agency: 'dukcapil', slug: 'siak', kind: 'postgres', host: db.hostname, port: Number(db.port || 5432), database: 'kependudukan',
      user: decodeURIComponent(db.username), ...(db.password ? { password: decodeURIComponent(db.password) } : {}),
    });
    await adminApi('POST', '/operations', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_by_nik', kind: 'data', params: [{ name: 'nik' }],
      data: { form: 'table', connector: 'siak', table: 'penduduk', columns: ['nik', 'nama'], conditions: [{ column: 'nik', param: 'nik' }] },
    });
    await adminApi('POST', '/consumers', { agency: 'dukcapil', slug: 'uji' });
    keys.data = (await adminApi('POST', '/subscriptions', { consumer: 'dukcapil/uji', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik', status: 'approved' })).key;
    browser = await launch();
    page = await browser.newPage({ viewport: viewports.laptop });
    page.on('dialog', (d) => d.accept());
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, 'admin', PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('settings: branding shown before sign-in, a refused value marked on its field, SMTP with a test mail', async () => {
    await open(page, base, 'settings', '#settings-form');
    await page.fill('#settings-form [name=publicBaseUrl]', 'ftp://gsb.example.go.id');
    await page.click('#settings-save');
    await page.waitForSelector('#settings-form [name=publicBaseUrl][aria-invalid=true]');
    await page.fill('#settings-form [name=publicBaseUrl]', 'https://gsb.example.go.id/mantra');
    await page.fill('#settings-form [name="branding.name"]', 'GSB Kabupaten Contoh');
    await page.selectOption('#settings-form [name="branding.timeZone"]', 'Asia/Makassar');
    await page.setInputFiles('#logo-file', { name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('#logo-preview:not([hidden])');
    await page.fill('#settings-form [name=internalBackends]', `127.0.0.1:${server.server.port}`);
    await page.fill('#settings-form [name="smtp.host"]', '127.0.0.1');
    await page.fill('#settings-form [name="smtp.port"]', String(sink.port));
    await page.selectOption('#settings-form [name="smtp.tls"]', 'none');
    await page.fill('#settings-form [name="smtp.from"]', 'mantra@example.go.id');
    await clickForToast(page, '#settings-save', 'Tersimpan');
    await page.waitForSelector('#settings-form');
    await screenshot(page, 'settings-saved-laptop');

    await page.fill('#set-test ~ * [name=to], section[aria-labelledby=set-test] [name=to]', 'admin@example.go.id');
    await page.click('#smtp-test');
    await page.waitForSelector('text=Server surat menerima surel uji');
    const [mail] = await sink.waitFor(1);
    assert.equal(mail.subject, 'Mantra: surel uji');
    assert.deepEqual(mail.rcpt, ['admin@example.go.id']);

    const visitor = await browser.newPage({ viewport: viewports.tablet });
    await visitor.goto(`${base}/admin/`);
    await visitor.waitForSelector('#login');
    await visitor.waitForFunction(() => document.querySelector('#brand-name')?.textContent === 'GSB Kabupaten Contoh');
    assert.equal(await visitor.isVisible('#brand-logo'), true);
    assert.equal(await visitor.getAttribute('#brand-logo', 'alt'), 'Logo GSB Kabupaten Contoh');
    await screenshot(visitor, 'login-branded-tablet');
    await visitor.close();
  });

  test('a proxy operation in front of this Mantra (MANTRA style rest, AccessKey credentials), called in Tinjauan', async () => {
    await open(page, base, 'operation/new', '#data-editor');
    await page.selectOption('#operation-form [name=kind]', 'proxy');
    await page.waitForSelector('#proxy-editor');
    await page.selectOption('#operation-form [name=service]', 'kependudukan');
    await page.fill('#operation-form [name=slug]', 'penduduk_via_proxy');
    await page.getByRole('button', { name: 'Tambah parameter' }).click();
    await page.fill('#operation-form .list-editor [name=name]', 'nik');
    await page.selectOption('#proxy-editor [name=style]', 'rest');
    await page.fill('#proxy-editor [name=endpoint]', `${base}/json/dukcapil/kependudukan`);
    await page.fill('#proxy-editor [name=method]', 'penduduk_by_nik');
    await page.selectOption('#proxy-editor [name="auth.type"]', 'mantra');
    await page.fill('#proxy-editor [name="auth.accessKey"]', keys.data);
    await page.fill('#proxy-editor [name=retries]', '1');
    await page.check('#proxy-editor [name=fallback]');
    await screenshot(page, 'operation-proxy-laptop');
    assert.deepEqual((await axeViolations(page)).map((v) => v.id), []);
    await page.click('#save-operation');
    await page.waitForFunction(() => location.hash === '#/operation/dukcapil/kependudukan/penduduk_via_proxy');
    const saved = await adminApi('GET', '/operations/dukcapil/kependudukan/penduduk_via_proxy');
    assert.equal(saved.proxy.auth.accessKeySet, true, 'the backend key is stored, never shown');
    assert.equal(saved.proxy.retries, 1);
    assert.equal(saved.proxy.fallback, true);

    keys.proxy = (await adminApi('POST', '/subscriptions', { consumer: 'dukcapil/uji', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_via_proxy', status: 'approved' })).key;
    await open(page, base, 'console/dukcapil/kependudukan/penduduk_via_proxy', '#console-params [name=nik]');
    await page.fill('#console-form [name=key]', keys.proxy);
    await page.fill('#console-params [name=nik]', NIK);
    await page.click('#console-call');
    await page.waitForSelector('#answer-table table');
    assert.match((await page.textContent('#answer-table'))!, new RegExp(NAMA));
  });

  test('a composite: checked as a draft, saved, dry-run with each step laid open', async () => {
    await open(page, base, 'operation/new', '#data-editor');
    await page.selectOption('#operation-form [name=kind]', 'composite');
    await page.waitForSelector('#composite-editor');
    await page.selectOption('#operation-form [name=service]', 'kependudukan');
    await page.fill('#operation-form [name=slug]', 'penduduk_lengkap');
    await page.getByRole('button', { name: 'Tambah parameter' }).click();
    await page.fill('#operation-form .list-editor [name=name]', 'nik');
    await page.getByRole('button', { name: 'Tambah langkah' }).click();
    const step = page.locator('#composite-editor .list-editor .item').first();
    await step.locator('[name=name]').fill('penduduk');
    await step.locator('[name=target]').selectOption('dukcapil/kependudukan/penduduk_by_nik');
    // An expression that does not compile is refused, naming the step.
    await step.locator('[name=paramLines]').fill('nik = params.nik +');
    await page.click('#composite-validate');
    await page.waitForSelector('#composite-check .error-box');
    assert.match((await page.textContent('#composite-check .error-box'))!, /penduduk/);
    await step.locator('[name=paramLines]').fill('nik = params.nik');
    await page.click('#composite-validate');
    await page.waitForSelector('#composite-check .badge.ok');
    assert.match((await page.textContent('#composite-check'))!, /penduduk/);
    await page.click('#save-operation');
    await page.waitForFunction(() => location.hash === '#/operation/dukcapil/kependudukan/penduduk_lengkap');
    await page.waitForSelector('#composite-run');
    await page.fill('#sample-nik', NIK);
    await page.click('#composite-run');
    await page.waitForSelector('#dry-run-result');
    const result = (await page.textContent('#dry-run-result'))!;
    assert.match(result, /Lengkap/);
    assert.match(result, /penduduk → dukcapil\/kependudukan\/penduduk_by_nik/);
    assert.match(result, /berhasil/);
    assert.match(result, new RegExp(NAMA));
    await screenshot(page, 'operation-composite-laptop');
    assert.deepEqual((await axeViolations(page)).map((v) => v.id), []);
  });

  test('a data operation as SQL with a typed parameter and code labels; field rules mask a field for one application', async () => {
    await open(page, base, 'operation/new', '#data-editor');
    await page.selectOption('#operation-form [name=service]', 'kependudukan');
    await page.fill('#operation-form [name=slug]', 'penduduk_wilayah');
    await page.selectOption('#data-editor [name=form]', 'sql');
    await page.fill('#data-editor [name=sql]', 'select nik, nama, jenis_kelamin from penduduk where kode_wilayah = :kode order by nik limit 3');
    await page.fill('#shape-editor [name=labelLines]', 'jenis_kelamin.L = Laki-laki\njenis_kelamin.P = Perempuan');
    await page.click('#save-operation');
    await toast(page, 'Parameter ditambahkan (teks, wajib): kode');
    await page.waitForFunction(() => location.hash === '#/operation/dukcapil/kependudukan/penduduk_wilayah');
    // The parameter the statement binds, typed as an integer and saved again.
    await page.waitForSelector('#operation-form .list-editor [name=type]');
    await page.selectOption('#operation-form .list-editor [name=type]', 'integer');
    await clickForToast(page, '#save-operation', 'Tersimpan');
    const saved = await adminApi('GET', '/operations/dukcapil/kependudukan/penduduk_wilayah');
    assert.deepEqual(saved.params.map((p: { name: string; type: string }) => [p.name, p.type]), [['kode', 'integer']]);
    assert.deepEqual(saved.shape.labels, { jenis_kelamin: { L: 'Laki-laki', P: 'Perempuan' } });

    keys.sql = (await adminApi('POST', '/subscriptions', { consumer: 'dukcapil/uji', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_wilayah', status: 'approved' })).key;
    const tryIt = async (kode: string) => {
      await open(page, base, 'console/dukcapil/kependudukan/penduduk_wilayah', '#console-params [name=kode]');
      await page.fill('#console-form [name=key]', keys.sql);
      await page.fill('#console-params [name=kode]', kode);
      await page.click('#console-call');
      await page.waitForSelector('#console-summary');
      return (await page.textContent('#console-result'))!;
    };
    const answer = await tryIt('3201001');
    assert.match(answer, new RegExp(`${NIK}.*${NAMA}.*Laki-laki`));

    await open(page, base, 'subscriptions', '#sub-list table');
    const row = page.locator('#sub-list tr[data-operation="dukcapil/kependudukan/penduduk_wilayah"]');
    await row.locator('[data-act="subs.rules"]').click();
    await page.fill('#sub-panel [name=maskFields]', 'nik');
    await clickForToast(page, '#sub-submit', 'Tersimpan');
    assert.match(await tryIt('3201001'), /3201\*{8}0001/);
  });

  test('keys renewed and shown once, a revoked subscription refused; the trail exported and the data-subject report', async () => {
    const calls = async (key: string) => (await (await fetch(`${base}/json/dukcapil/kependudukan/penduduk_wilayah`, {
      method: 'POST', headers: { AccessKey: key }, body: new URLSearchParams({ kode: '3201001' }),
    })).json()).response.code;
    await open(page, base, 'subscriptions', '#sub-list table');
    const row = () => page.locator('#sub-list tr[data-operation="dukcapil/kependudukan/penduduk_wilayah"]');
    await row().locator('[data-act="subs.rotate"]').click();
    await page.waitForSelector('#shown-key');
    const renewed = (await page.textContent('#shown-key'))!.trim();
    assert.notEqual(renewed, keys.sql);
    assert.equal(await calls(keys.sql), 10002, 'the old key stopped');
    assert.equal(await calls(renewed), 200);
    await row().locator('[data-act="subs.revoke"]').click();
    await page.fill('#sub-panel [name=note]', 'Uji selesai');
    await page.click('#sub-submit');
    await toast(page, 'Langganan dicabut');
    await page.waitForSelector('#sub-list tr[data-operation="dukcapil/kependudukan/penduduk_wilayah"][data-status=revoked]');
    assert.equal(await calls(renewed), 10002);
    await row().locator('[data-act="subs.history"]').click();
    assert.match((await page.textContent('#sub-panel'))!, /Dibuat.*Disetujui.*Kunci baru.*Dicabut.*Uji selesai/s);

    await server.tracker.flush();
    await open(page, base, 'tracks', '#track-filters');
    await page.fill('#track-filters [name=operation]', 'dukcapil/kependudukan/penduduk_wilayah');
    await page.click('#track-filters button[type=submit]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ekspor CSV' }).click()]);
    const text = fs.readFileSync(await csv.path(), 'utf8');
    const lines = text.trim().split('\n');
    assert.ok(lines.length >= 5, `a header and the calls: ${lines.length}`);
    assert.ok(lines.slice(1).every((l) => l.includes('penduduk_wilayah')), 'only what the filter finds');
    await page.getByRole('button', { name: 'Periksa keutuhan' }).click();
    await page.waitForSelector('#verify-result');
    assert.match((await page.textContent('#verify-result'))!, /Jejak utuh/);

    // The proxy's calls asked the data operation about this NIK: the report names them without the trail holding it.
    await page.fill('#subject-form [name=value]', NIK);
    await page.click('#subject-form button[type=submit]');
    await page.waitForSelector('#subject-result table');
    assert.match((await page.textContent('#subject-result'))!, /penduduk_by_nik/);
    await screenshot(page, 'tracks-subject-laptop');
  });

  test('times read in the chosen zone (WITA for Asia/Makassar); no script errors', async () => {
    await open(page, base, 'tracks', '#track-list table');
    assert.match((await page.textContent('#track-list tbody'))!, /WITA/);
    assert.deepEqual(errors, []);
  });
});
