/**
 * A call's track as evidence, through the whole app: who, with which credential, for what purpose and on what legal
 * basis, timings and bytes, parameter values only as keyed hashes (per-operation rules keep or drop more), signed
 * answers verifiable with the catalogue's key, kept answers encrypted; and the admin API that reads it all:
 * verification, paged export, checkpoints, the data-subject report, kept answers, statistics, by role.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { flattenedVerify, importJWK } from 'jose';
import { testApp } from '../support/app.ts';
import { openSession } from '../../src/admin-api/session.ts';
import { hashPassword } from '../../src/security/password.ts';
import { loadParamKey } from '../../src/audit/keys.ts';
import { paramHasher } from '../../src/audit/param-hash.ts';
import type { Role } from '../../src/model/user.ts';
import type { TrackRecord } from '../../src/store/types.ts';
import { TrackLog } from '../../src/store/track-log.ts';

const KEY = 'evidence-key-0001';
const NIK = '3201000000000001';
const b64url = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('base64url');
/** The store's bytes on disk: the database, its WAL and the track log. */
const onDisk = (dir: string) => Buffer.concat([path.join(dir, 'mantra.db'), path.join(dir, 'mantra.db-wal'), ...TrackLog.segments(path.join(dir, 'tracks'))]
  .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

describe('evidence in the tracks and the admin API', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const tokens: Partial<Record<Role | 'provider-b', string>> = {};

  const call = (url: string, requestId: string, key = KEY) =>
    t.app.fetch(new Request(`http://mantra.test${url}`, { headers: { 'X-API-Key': key } }), { requestId, remoteAddress: '192.0.2.7' });
  const admin = async (method: string, url: string, as: keyof typeof tokens = 'administrator', json?: unknown) => {
    const res = await t.app.fetch(new Request(`http://mantra.test/admin/api${url}`, {
      method, headers: { authorization: `Bearer ${tokens[as]}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    }), { remoteAddress: '192.0.2.9' });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  const trackOf = async (requestId: string): Promise<TrackRecord> => {
    await t.tracker.flush();
    return (await t.store.tracks({ limit: 100_000 })).find((r) => r.requestId === requestId)!;
  };

  before(async () => {
    t = await testApp({ workers: 0 });
    const file = path.join(t.dir, 'warga.db');
    const db = new DatabaseSync(file);
    db.exec(`create table warga (nik text, nama text, jk text);
      insert into warga values ('${NIK}', 'Siti Rahayu', 'P'), ('3201000000000002', 'Budi Santoso', 'L');`);
    db.close();
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('agency', { slug: 'bank', name: 'Bank' });
    await t.put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await t.put('service', { agency: 'pemda', slug: 'warga' });
    const op = (slug: string, audit?: object) => t.put('operation', {
      agency: 'pemda', service: 'warga', slug, kind: 'data', params: [{ name: 'nik' }, { name: 'jk', required: false }, { name: 'nama', required: false }],
      data: { form: 'sql', connector: 'db', sql: 'select nik, nama from warga where nik = :nik' }, audit,
    });
    await op('cari');
    await op('cari_tertanda', { signAnswers: true, storeAnswers: true, keepParams: ['jk'], dropParams: ['nama'] });
    for (const slug of ['cari', 'cari_tertanda']) {
      await t.subscribe(KEY, 'pemda', 'warga', slug, { consumer: 'bank/app', purpose: 'Verifikasi nasabah', legalBasis: 'POJK 12/2017' });
    }
    const hash = await hashPassword('correct horse battery staple');
    for (const [name, role, agency] of [['adm', 'administrator'], ['sup', 'supervisor'], ['req', 'requester', 'bank'], ['prov', 'provider', 'pemda'], ['provb', 'provider', 'bank']] as const) {
      await t.put('user', { username: name, role, agency, passwordHash: hash, fullName: name, active: true, mustChangePassword: false });
      tokens[name === 'provb' ? 'provider-b' : role] = (await openSession(t.store, name)).token;
    }
  });
  after(() => t?.close());

  test('the track names caller, credential, purpose, legal basis, timings and bytes; values only as keyed hashes', async () => {
    const res = await call(`/v1/pemda/warga/cari?nik=${NIK}`, 'ev-plain');
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.match(res.headers.get('server-timing') ?? '', /^total;dur=[\d.]+, backend;dur=[\d.]+$/);
    const track = await trackOf('ev-plain');
    assert.deepEqual(
      [track.interface, track.format, track.consumer, track.purpose, track.legalBasis, track.status, track.code, track.rows, track.remote],
      ['v1', 'json', 'bank/app', 'Verifikasi nasabah', 'POJK 12/2017', 200, 200, 1, '192.0.2.7'],
    );
    assert.equal(track.credential, t.secrets.hashKey(KEY).slice(0, 16));
    assert.equal(track.bytes, Buffer.byteLength(body));
    assert.ok(track.backendMs! >= 0 && track.backendMs! <= track.durationMs);
    const hasher = paramHasher(loadParamKey(t.dataDir));
    assert.deepEqual(track.params, { nik: `k:${hasher.hash(NIK)}` });
    assert.ok(onDisk(t.dataDir).includes('ev-plain'), 'the track is on disk');
    assert.ok(!onDisk(t.dataDir).includes(NIK), 'the NIK is nowhere in the store');
  });

  test('per-operation rules keep or drop more; a signed answer verifies with the catalogue key; a kept answer decrypts', async () => {
    const res = await call(`/v1/pemda/warga/cari_tertanda?nik=${NIK}&jk=P&nama=Siti`, 'ev-signed');
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200);
    const jws = res.headers.get('x-jws-signature') ?? '';
    const [header, empty, signature] = jws.split('.');
    assert.equal(empty, '', 'detached: no payload in the header');
    const catalogue = await (await t.app.request('/catalogue')).json();
    assert.deepEqual(catalogue.find((o: any) => o.operation === 'cari_tertanda').signature, { header: 'X-JWS-Signature', alg: 'EdDSA', jwks: '/catalogue/jwks.json' });
    assert.equal(catalogue.find((o: any) => o.operation === 'cari').signature, undefined);
    const jwks = await (await t.app.request('/catalogue/jwks.json')).json();
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString());
    assert.deepEqual([protectedHeader.alg, protectedHeader.rid], ['EdDSA', 'ev-signed']);
    const jwk = jwks.keys.find((k: any) => k.kid === protectedHeader.kid);
    assert.ok(jwk, 'the signing key is published');
    const verified = await flattenedVerify({ protected: header, payload: Buffer.from(body).toString('base64url'), signature }, await importJWK(jwk, 'EdDSA'));
    assert.deepEqual(verified.payload, body);
    const forged = Buffer.from(body);
    forged[forged.length - 2] ^= 1;
    await assert.rejects(flattenedVerify({ protected: header, payload: forged.toString('base64url'), signature }, await importJWK(jwk, 'EdDSA')));

    const track = await trackOf('ev-signed');
    assert.deepEqual([track.params?.jk, track.params?.nama], ['v:P', '-']);
    assert.match(track.params!.nik, /^k:/);
    assert.equal(track.signature, b64url(jws));
    assert.equal(track.answerDigest, b64url(body));
    assert.match(track.answer ?? '', /^enc:v1:/);
    assert.ok(!onDisk(t.dataDir).includes('Siti Rahayu'), 'the kept answer is encrypted');
    const kept = await admin('GET', `/audit/tracks/${track.seq}/answer`);
    assert.equal(kept.status, 200, kept.text);
    assert.deepEqual([kept.body.intact, kept.body.answer], [true, Buffer.from(body).toString('utf8')]);
    assert.equal((await admin('GET', `/audit/tracks/${track.seq}/answer`, 'supervisor')).status, 403);
    await t.tracker.flush();
    const reads = (await t.store.tracks({ limit: 100_000 })).filter((r) => r.interface === 'admin' && r.operation === `GET /audit/tracks/${track.seq}/answer`);
    assert.deepEqual(reads.map((r) => [r.consumer, r.status]), [['adm', 200], ['sup', 403]], 'who read a kept answer is tracked');
    assert.equal((await admin('GET', `/audit/tracks/1/answer`)).status, 404);
  });

  test('the data-subject report finds every call about one NIK by its keyed hash, and is tracked without it', async () => {
    await call(`/v1/pemda/warga/cari?nik=3201000000000002`, 'ev-other');
    const report = await admin('POST', '/audit/subject', 'administrator', { value: NIK });
    assert.equal(report.status, 200, report.text);
    const ids = report.body.calls.map((c: any) => c.requestId);
    assert.ok(ids.includes('ev-plain') && ids.includes('ev-signed') && !ids.includes('ev-other'), ids.join());
    const plain = report.body.calls.find((c: any) => c.requestId === 'ev-plain');
    assert.deepEqual([plain.consumer, plain.purpose, plain.legalBasis, plain.operation, plain.params], ['bank/app', 'Verifikasi nasabah', 'POJK 12/2017', 'cari', ['nik']]);
    assert.equal((await admin('POST', '/audit/subject', 'supervisor', { value: NIK })).status, 403);
    await t.tracker.flush();
    const tracked = (await t.store.tracks({ limit: 100_000 })).filter((r) => r.interface === 'admin' && r.operation === 'POST /audit/subject');
    assert.ok(tracked.length >= 2, 'the report requests are tracked');
    assert.ok(!JSON.stringify(tracked).includes(NIK), 'without the value');
  });

  test('verify, checkpoints and paged export for administrators and supervisors, not for requesters', async () => {
    for (let i = 0; i < 5; i++) await call(`/v1/pemda/warga/cari?nik=${NIK}`, `ev-page-${i}`);
    await t.tracker.flush();
    await t.store.checkpoint();
    const verified = await admin('GET', '/audit/verify', 'supervisor');
    assert.equal(verified.status, 200);
    assert.equal(verified.body.ok, true, JSON.stringify(verified.body.problem));
    const checkpoints = await admin('GET', '/audit/checkpoints');
    assert.match(checkpoints.body.publicKey, /BEGIN PUBLIC KEY/);
    assert.equal(checkpoints.body.checkpoints.at(-1).seq, verified.body.last);

    const first = await admin('GET', '/audit/tracks?operation=cari&status=ok&limit=3');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.items.length, 3);
    assert.ok(first.body.items.every((i: any) => i.operation === 'cari' && i.line && i.hash && i.prevHash));
    const rest = await admin('GET', `/audit/tracks?operation=cari&status=ok&limit=1000&after=${first.body.next}`);
    const all = [...first.body.items, ...rest.body.items].map((i: any) => i.requestId);
    assert.deepEqual(all.filter((id: string) => id.startsWith('ev-page')), ['ev-page-0', 'ev-page-1', 'ev-page-2', 'ev-page-3', 'ev-page-4']);
    assert.equal(rest.body.next, undefined, 'the end of the trail');
    const csv = await admin('GET', '/audit/tracks?format=csv&interface=v1&limit=2');
    assert.match(csv.text.split('\r\n')[0], /^seq,at,requestId,/);
    assert.equal(csv.text.trim().split('\r\n').length, 3);
    assert.ok(csv.headers.get('x-mantra-next'));
    const ndjson = await admin('GET', '/audit/tracks?format=ndjson&consumer=bank/app&limit=2');
    assert.deepEqual(ndjson.text.trim().split('\n').map((l) => JSON.parse(l).type), ['track', 'track']);
    for (const url of ['/audit/tracks', '/audit/verify', '/audit/checkpoints']) assert.equal((await admin('GET', url, 'requester')).status, 403, url);
  });

  test('statistics per minute and operation or consumer, with percentiles; providers see only their agency', async () => {
    await t.tracker.flush();
    await t.store.trail().then((r) => r.close()); // every logged track is in the table, its statistics too
    const byOp = await admin('GET', '/stats?period=minute&by=operation');
    assert.equal(byOp.status, 200, byOp.text);
    const cari = byOp.body.series.find((s: any) => s.operation === 'cari');
    assert.ok(cari.total.calls >= 7, JSON.stringify(cari.total));
    assert.ok(cari.total.p50 > 0 && cari.total.p95 >= cari.total.p50 && cari.total.p99 >= cari.total.p95);
    assert.equal(cari.points.length, cari.points.filter((p: any) => /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(p.start)).length);
    const byConsumer = await admin('GET', '/stats?period=day&by=consumer', 'supervisor');
    assert.ok(byConsumer.body.series.some((s: any) => s.consumer === 'bank/app'));
    assert.ok((await admin('GET', '/stats?period=hour', 'provider')).body.series.length > 0, 'the owning agency sees its operations');
    assert.deepEqual((await admin('GET', '/stats?period=hour', 'provider-b')).body.series, [], 'another agency sees none of them');
    assert.ok((await admin('GET', '/stats?period=hour&by=consumer', 'requester')).body.series.every((s: any) => s.consumer.startsWith('bank/')));
    assert.equal((await admin('GET', '/stats?period=week')).status, 400);
  });
});
