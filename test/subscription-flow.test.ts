/**
 * Issue 14's whole workflow end to end, over HTTP against a running server (startServer) and a real SMTP server:
 * a requester asks, the provider gets the mail and approves, the application calls with its key, its application
 * key and an OAuth2 token, the rate limit refuses the call past the rate, the provider revokes, and the next
 * calls are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type Running, startServer } from '../src/server.ts';
import { setLogLevel } from '../src/observability/log.ts';
import { needSmtpSink, type SmtpSink, startSmtpSink } from './support/smtp.ts';

setLogLevel('error');
const skip = needSmtpSink();
const ADMIN_PASSWORD = 'flow-test-admin-password';
const PASSWORD = 'a long enough password';
const OP = 'dukcapil/kependudukan/penduduk_by_nik';

describe('end to end: request, mail, approval, key, application key, token, rate limit, revocation', { skip }, () => {
  let running: Running;
  let sink: SmtpSink;
  let base = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-flow-'));
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-flow-files-'));

  /** One admin API call as the given bearer; throws unless the status is the expected one. */
  async function admin(token: string | undefined, method: string, url: string, json?: unknown, expect = [200, 201, 204]) {
    const res = await fetch(`${base}/admin/api${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: json !== undefined ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    assert.ok(expect.includes(res.status), `${method} ${url}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  const login = async (username: string, password = PASSWORD) => (await admin(undefined, 'POST', '/login', { username, password })).token as string;
  const compat = (key: string) => fetch(`${base}/json/${OP}/nik=3201010101010042`, { headers: { AccessKey: key } })
    .then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
  const v1 = (headers: Record<string, string>, op = OP) => fetch(`${base}/v1/${op}?nik=3201010101010042`, { headers })
    .then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: JSON.parse(await r.text()) }));

  before(async () => {
    sink = await startSmtpSink();
    const db = new DatabaseSync(path.join(files, 'penduduk.sqlite'));
    db.exec("create table penduduk (nik text primary key, nama text); insert into penduduk values ('3201010101010042', 'Siti Aminah')");
    db.close();
    process.env.MANTRA_ADMIN_PASSWORD = ADMIN_PASSWORD;
    try {
      running = await startServer({ dataDir, port: 0, host: '127.0.0.1', workers: 0 });
    } finally {
      delete process.env.MANTRA_ADMIN_PASSWORD;
    }
    base = `http://127.0.0.1:${running.server.port}`;
  });
  after(async () => {
    await running?.stop();
    await sink?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });

  test('the whole workflow', async () => {
    // An administrator sets the mail server and the folder of the data file, then the two agencies.
    const root = await login('admin', ADMIN_PASSWORD);
    const { version, updatedAt: _, ...settings } = await admin(root, 'GET', '/settings');
    await admin(root, 'PUT', '/settings', {
      ...settings, version, fileRoots: [files],
      smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', from: 'mantra@hub.go.id' },
    });
    await admin(root, 'POST', '/agencies', { slug: 'dukcapil', name: 'Dukcapil' });
    await admin(root, 'POST', '/agencies', { slug: 'disdik', name: 'Dinas Pendidikan' });
    await admin(root, 'POST', '/connectors', { agency: 'dukcapil', slug: 'db', kind: 'sqlite', path: path.join(files, 'penduduk.sqlite') });
    await admin(root, 'POST', '/services', { agency: 'dukcapil', slug: 'kependudukan', name: 'Kependudukan' });
    for (const slug of ['penduduk_by_nik', 'nama_by_nik']) {
      await admin(root, 'POST', '/operations', {
        agency: 'dukcapil', service: 'kependudukan', slug, kind: 'data', params: [{ name: 'nik' }],
        data: { form: 'table', connector: 'db', table: 'penduduk', conditions: [{ column: 'nik', param: 'nik' }] },
      });
    }
    const person = (username: string, role: string, agency: string, email: string) => admin(root, 'POST', '/users', {
      username, role, agency, email, fullName: username, password: PASSWORD, mustChangePassword: false,
    });
    await person('ani', 'provider', 'dukcapil', 'ani@dukcapil.go.id');
    await person('citra', 'requester', 'disdik', 'citra@disdik.go.id');

    // The requester registers its application and asks for the operation; the key comes once.
    const citra = await login('citra');
    await admin(citra, 'POST', '/consumers', { agency: 'disdik', slug: 'portal', name: 'Portal PPDB' });
    const asked = await admin(citra, 'POST', '/subscription-requests', {
      consumer: 'disdik/portal', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik',
      purpose: 'Verifikasi NIK calon peserta didik', legalBasis: 'Permendikbud 1/2021',
    });
    const key: string = asked.key;
    assert.equal(asked.status, 'requested');
    assert.equal((await compat(key)).body.response.code, 10002, 'no call before the approval');

    // The provider gets the mail.
    const [request] = await sink.waitFor(1);
    assert.deepEqual(request.rcpt, ['ani@dukcapil.go.id']);
    assert.equal(request.subject, `Permohonan akses baru: ${OP}`);
    assert.match(request.text, /citra memohon akses untuk aplikasi Portal PPDB \(disdik\/portal\)/);
    assert.match(request.text, /Tujuan: Verifikasi NIK calon peserta didik\nDasar hukum: Permendikbud 1\/2021/);

    // The provider approves, at five calls a minute; the requester hears of it.
    const ani = await login('ani');
    const approved = await admin(ani, 'POST', `/subscriptions/${asked.id}/approve`, { note: 'Untuk PPDB', rateLimit: 5 });
    assert.equal(approved.status, 'approved');
    const [, approval] = await sink.waitFor(2);
    assert.deepEqual(approval.rcpt, ['citra@disdik.go.id']);
    assert.equal(approval.subject, `Permohonan akses disetujui: ${OP}`);

    // The application calls: its key on the compatible path and on v1.
    const first = await compat(key);
    assert.equal(first.body.response.status, 1, JSON.stringify(first.body));
    assert.equal(first.body.response.data.penduduk_by_nik['0'].nama, 'Siti Aminah');
    const second = await v1({ 'x-api-key': key });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.data[0].nama, 'Siti Aminah');
    // Its key for another operation of the same agency is refused, as any unknown key is.
    const other = await v1({ 'x-api-key': key }, 'dukcapil/kependudukan/nama_by_nik');
    const unknown = await v1({ 'x-api-key': 'x'.repeat(32) }, 'dukcapil/kependudukan/nama_by_nik');
    assert.deepEqual([other.status, other.body.code], [403, 10002]);
    const { requestId: _a, ...otherBody } = other.body, { requestId: _b, ...unknownBody } = unknown.body;
    assert.deepEqual(otherBody, unknownBody, 'nothing tells a key of another operation from an unknown one');

    // The application key, made by the requester, reaches the same subscription.
    const appKey = (await admin(citra, 'POST', '/consumers/disdik/portal/app-key')).key;
    const third = await v1({ authorization: `Bearer ${appKey}` });
    assert.equal(third.status, 200, JSON.stringify(third.body));

    // An OAuth2 token for the consumer, its subscription key as the client secret.
    const tokenRes = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'disdik/portal', client_secret: key }),
    });
    const token = await tokenRes.json();
    assert.equal(tokenRes.status, 200, JSON.stringify(token));
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.scope, OP);
    const fourth = await v1({ authorization: `Bearer ${token.access_token}` });
    assert.equal(fourth.status, 200, JSON.stringify(fourth.body));
    const fifth = await compat(token.access_token);
    assert.equal(fifth.body.response.status, 1, JSON.stringify(fifth.body));

    // Five calls a minute: the sixth is refused with Retry-After (a token dripping in meanwhile may let one more by).
    let refused = await v1({ 'x-api-key': key });
    if (refused.status === 200) refused = await v1({ 'x-api-key': key });
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 10024);
    assert.ok(Number(refused.retryAfter) >= 1, `Retry-After: ${refused.retryAfter}`);

    // The provider revokes; the requester is told; key, application key and token are refused from the next call on.
    await admin(ani, 'POST', `/subscriptions/${asked.id}/revoke`, { note: 'PPDB selesai' });
    const [, , revocation] = await sink.waitFor(3);
    assert.deepEqual(revocation.rcpt, ['citra@disdik.go.id']);
    assert.equal(revocation.subject, `Akses dicabut: ${OP}`);
    assert.match(revocation.text, /Catatan: PPDB selesai/);
    assert.equal((await compat(key)).body.response.code, 10002);
    assert.equal((await v1({ 'x-api-key': key })).status, 403);
    assert.equal((await v1({ authorization: `Bearer ${appKey}` })).status, 403);
    assert.notEqual((await v1({ authorization: `Bearer ${token.access_token}` })).status, 200);

    // Each call and each admin step is in the audit trail, with who made it.
    await running.tracker.flush();
    const tracks = await running.store.tracks({ limit: 10_000 });
    const steps = tracks.filter((t) => t.interface === 'admin').map((t) => `${t.consumer} ${t.operation} ${t.status}`);
    assert.ok(steps.includes(`citra POST /subscription-requests 201`));
    assert.ok(steps.includes(`ani POST /subscriptions/${asked.id}/approve 200`));
    assert.ok(steps.includes(`ani POST /subscriptions/${asked.id}/revoke 200`));
    assert.ok(steps.includes(`ani POST /login 200`));
    const calls = tracks.filter((t) => t.interface !== 'admin' && t.operation === 'penduduk_by_nik');
    assert.ok(calls.some((t) => t.code === 10024), 'the refusal past the rate is tracked');
    assert.ok(calls.filter((t) => t.subscription === asked.id && t.status === 200).length >= 5);
  });
});
