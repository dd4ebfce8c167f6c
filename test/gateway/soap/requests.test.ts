/**
 * SOAP requests through the whole app over a real PostgreSQL: good calls of both versions, the key from the
 * AccessKey header or a WS-Security UsernameToken, and every kind of bad input (malformed XML, DOCTYPE with XXE or
 * billion laughs, too deep, too large, wrong envelope or namespace, unknown operation or service, missing, mistyped
 * or nested parameters, headers that must be understood, wrong method or media type). Each bad one is a SOAP fault
 * with MANTRA's code, the right HTTP status and fault code, and leaves a track; none takes the server down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../../support/services.ts';
import { loadPendudukPg } from '../../support/penduduk.ts';
import { testApp } from '../../support/app.ts';
import { BY_NIK, setupDukcapil } from '../../support/dukcapil.ts';
import { CONTENT_TYPE, ENV_NS, envelope, readAnswer, usernameToken, type Version } from '../../support/soap.ts';
import { APP_KEY, CLIENT, setupBank } from '../../support/credentials.ts';

const skip = await needService('PostgreSQL', pgUrl);
const NS = 'urn:mantra:dukcapil:kependudukan';
const PATH = '/soap/dukcapil/kependudukan';
const KODE = 'kodekey0001';

describe('SOAP requests', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n = 0;

  /** Sends a request with its own request id; returns the answer, what it says and that call's track. */
  async function call(body: string | undefined, init: { version?: Version; headers?: Record<string, string>; method?: string; path?: string } = {}) {
    const version = init.version ?? '1.1';
    const requestId = `soap-${++n}`;
    const res = await t.fetch(new Request(`http://mantra.test${init.path ?? PATH}`, {
      method: init.method ?? 'POST',
      headers: { 'Content-Type': CONTENT_TYPE[version], AccessKey: BY_NIK, ...init.headers },
      body,
    }), { requestId, remoteAddress: '127.0.0.1' });
    const text = await res.text();
    await t.tracker.flush();
    const track = (await t.store.tracks({ limit: 10_000 })).find((r) => r.requestId === requestId);
    return { res, text, answer: readAnswer(text), track };
  }

  const byNik = (version: Version, params: Record<string, string> = { nik: '3201000000000042' }, header = '') =>
    envelope(version, NS, 'penduduk_by_nik', params, header);

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_by_kode', kind: 'data',
      params: [{ name: 'kode_wilayah', type: 'integer' }, { name: 'batas', type: 'integer', required: false, default: 5 }],
      data: { form: 'sql', connector: 'pg', sql: 'select nik, nama from penduduk where kode_wilayah = :kode_wilayah order by nik limit :batas' },
    });
    await t.subscribe(KODE, 'dukcapil', 'kependudukan', 'penduduk_by_kode');
    await setupBank(t);
  });
  after(() => t?.close());

  test('an OAuth2 token as Authorization: Bearer is a key, as on v1; a tampered one is the 10001 fault', async () => {
    const res = await t.fetch(new Request('http://mantra.test/oauth2/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: APP_KEY }).toString(),
    }));
    const token: string = (await res.json()).access_token;
    const good = await call(byNik('1.1'), { headers: { AccessKey: '', Authorization: `Bearer ${token}` } });
    assert.equal(good.res.status, 200);
    assert.equal(good.answer.fault, false);
    assert.equal(good.track?.consumer, CLIENT);
    const forged = await call(byNik('1.1'), { headers: { AccessKey: '', Authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    assert.equal(forged.answer.fault, true);
    assert.equal(forged.track?.code, 10001);
  });

  for (const version of ['1.1', '1.2'] as Version[]) {
    test(`SOAP ${version}: a data call answers its rows in {operation}Response, tracked as interface soap`, async () => {
      const { res, text, answer, track } = await call(byNik(version), { version });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), CONTENT_TYPE[version]);
      assert.equal(answer.fault, false);
      assert.equal(answer.rows, 1);
      assert.match(text, new RegExp(`^<\\?xml version="1.0" encoding="utf-8"\\?><soap:Envelope xmlns:soap="${ENV_NS[version]}"`));
      assert.match(text, /<m:penduduk_by_nikResponse xmlns:m="urn:mantra:dukcapil:kependudukan"><row><nik>3201000000000042<\/nik><nama>Penduduk 42<\/nama>/);
      assert.equal(track?.interface, 'soap');
      assert.equal(track?.operation, 'penduduk_by_nik');
      assert.equal(track?.code, 200);
      assert.equal(track?.rows, 1);
    });

    test(`SOAP ${version}: a UsernameToken's password is the key, and comes before the AccessKey header`, async () => {
      const { answer, track } = await call(byNik(version, undefined, usernameToken('dukcapil/app', BY_NIK)), { version, headers: { AccessKey: 'wrongkey00' } });
      assert.equal(answer.fault, false);
      assert.equal(track?.subscription !== undefined, true);
      const digest = await call(byNik(version, undefined, usernameToken('app', BY_NIK, 'PasswordDigest')), { version });
      assert.equal(digest.answer.code, 10041);
      assert.match(digest.answer.message ?? '', /PasswordDigest/);
    });
  }

  test('an empty result is an empty response; typed parameters, defaults and unqualified elements are read', async () => {
    const empty = await call(byNik('1.1', { nik: '3201999999999999' }));
    assert.equal(empty.res.status, 200);
    assert.match(empty.text, /<m:penduduk_by_nikResponse xmlns:m="[^"]+"><\/m:penduduk_by_nikResponse>/);
    const body = `<s:Envelope xmlns:s="${ENV_NS['1.1']}"><s:Body><m:penduduk_by_kode xmlns:m="${NS}"><kode_wilayah>3201042</kode_wilayah></m:penduduk_by_kode></s:Body></s:Envelope>`;
    const kode = await call(body, { headers: { AccessKey: KODE } });
    assert.equal(kode.answer.fault, false, kode.text);
    assert.equal(kode.answer.rows, 5, "the default of batas");
  });

  test('a large result streams inside the envelope, and its track is written when it ends', async () => {
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'semua', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: 'select nik, nama, alamat from penduduk order by nik', rowCap: 20_000 },
    });
    await t.subscribe(KODE, 'dukcapil', 'kependudukan', 'semua');
    const { res, text, track } = await call(envelope('1.1', NS, 'semua', {}), { headers: { AccessKey: KODE } });
    assert.equal(res.status, 200);
    assert.equal((text.match(/<row>/g) ?? []).length, 10_000);
    assert.ok(text.endsWith('</m:semuaResponse></soap:Body></soap:Envelope>'), text.slice(-80));
    assert.equal(track?.rows, 10_000);
    assert.match(String(track?.note), /^complete/);
  });

  test('faults speak English when Accept-Language asks for it', async () => {
    const { answer } = await call(byNik('1.1'), { headers: { AccessKey: 'wrongkey00', 'Accept-Language': 'en' } });
    assert.equal(answer.code, 10002);
    assert.equal(answer.message, 'No active subscription to this operation for this key');
  });

  const deep = `<s:Envelope xmlns:s="${ENV_NS['1.1']}"><s:Body><m:penduduk_by_nik xmlns:m="${NS}"><nik>${'<a>'.repeat(40)}1${'</a>'.repeat(40)}</nik></m:penduduk_by_nik></s:Body></s:Envelope>`;
  const xxe = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${byNik('1.1', { nik: '&x;' }).replace(/^<\?xml[^>]*>/, '').replace('&amp;x;', '&x;')}`;
  const laughs = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>`;
  const mustUnderstand = `<x:Trace xmlns:x="urn:other" xmlns:s="${ENV_NS['1.1']}" s:mustUnderstand="1">1</x:Trace>`;
  const elsewhere = `<x:Trace xmlns:x="urn:other" xmlns:s="${ENV_NS['1.1']}" s:mustUnderstand="1" s:actor="urn:someone-else">1</x:Trace>`;
  const cases: { name: string; body?: string; init?: Parameters<typeof call>[1]; status: number; code: number; fault: string; message?: RegExp }[] = [
    { name: 'malformed XML', body: byNik('1.1').slice(0, -12), status: 400, code: 10040, fault: 'Client', message: /bukan XML yang benar/ },
    { name: 'a DOCTYPE with an external entity (XXE)', body: xxe, status: 400, code: 10040, fault: 'Client', message: /DOCTYPE/ },
    { name: 'billion laughs', body: laughs, status: 400, code: 10040, fault: 'Client', message: /DOCTYPE/ },
    { name: 'an envelope nested too deep', body: deep, status: 400, code: 10040, fault: 'Client', message: /lebih dari 32 tingkat/ },
    { name: 'an envelope over maxBodyBytes', body: byNik('1.1', { nik: 'x'.repeat(1_100_000) }), status: 413, code: 10027, fault: 'Client' },
    { name: 'XML that is no envelope', body: '<penduduk_by_nik/>', status: 400, code: 10041, fault: 'Client' },
    { name: 'a SOAP 1.2 envelope sent as text/xml', body: byNik('1.2'), status: 500, code: 10042, fault: 'VersionMismatch' },
    { name: 'an empty Body', body: `<s:Envelope xmlns:s="${ENV_NS['1.1']}"><s:Body/></s:Envelope>`, status: 500, code: 10041, fault: 'Client' },
    { name: 'an operation in the wrong namespace', body: envelope('1.1', 'urn:other', 'penduduk_by_nik', { nik: '1' }), status: 500, code: 10041, fault: 'Client', message: /urn:mantra:dukcapil:kependudukan/ },
    { name: 'an unknown operation', body: envelope('1.1', NS, 'tidak_ada', { nik: '1' }), status: 500, code: 10002, fault: 'Client' },
    { name: 'an unknown service', body: envelope('1.1', 'urn:mantra:dukcapil:tidak_ada', 'penduduk_by_nik', { nik: '1' }), init: { path: '/soap/dukcapil/tidak_ada' }, status: 404, code: 10002, fault: 'Client' },
    { name: 'a missing parameter', body: byNik('1.1', {}), status: 500, code: 10005, fault: 'Client', message: /"nik" wajib diisi/ },
    { name: 'a mistyped parameter', body: envelope('1.1', NS, 'penduduk_by_kode', { kode_wilayah: 'tiga' }), init: { headers: { AccessKey: KODE } }, status: 500, code: 10005, fault: 'Client', message: /bukan bilangan bulat/ },
    { name: 'a nested parameter', body: byNik('1.1').replace('3201000000000042', '<a>1</a>'), status: 500, code: 10005, fault: 'Client', message: /nilai tunggal/ },
    { name: 'an unknown parameter', body: byNik('1.1', { nik: '1', umur: '3' }), status: 500, code: 10005, fault: 'Client', message: /"umur" tidak dikenal/ },
    { name: 'a header that must be understood', body: byNik('1.1', undefined, mustUnderstand), status: 500, code: 10043, fault: 'MustUnderstand', message: /urn:other/ },
    { name: 'a wrong key (SOAP 1.2)', body: byNik('1.2'), init: { version: '1.2', headers: { AccessKey: 'wrongkey00' } }, status: 400, code: 10002, fault: 'Sender' },
    { name: 'a missing parameter (SOAP 1.2)', body: byNik('1.2', {}), init: { version: '1.2' }, status: 400, code: 10005, fault: 'Sender' },
    { name: 'a 1.1 envelope as application/soap+xml', body: byNik('1.1'), init: { version: '1.2' }, status: 500, code: 10042, fault: 'VersionMismatch' },
    { name: 'a media type that is not SOAP', body: byNik('1.1'), init: { headers: { 'Content-Type': 'application/json' } }, status: 415, code: 10041, fault: 'Client' },
    { name: 'a charset other than UTF-8', body: byNik('1.1'), init: { headers: { 'Content-Type': 'text/xml; charset=iso-8859-1' } }, status: 415, code: 10041, fault: 'Client' },
    { name: 'GET without ?wsdl', init: { method: 'GET' }, status: 405, code: 10041, fault: 'Client' },
  ];
  for (const c of cases) {
    test(`bad input: ${c.name} is a fault ${c.fault} ${c.code} with HTTP ${c.status}, and tracked`, async () => {
      const { res, answer, track, text } = await call(c.body, c.init);
      assert.equal(res.status, c.status, text.slice(0, 400));
      assert.equal(answer.fault, true);
      assert.equal(answer.code, c.code);
      assert.equal(answer.faultCode, c.fault);
      if (c.message) assert.match(answer.message ?? '', c.message);
      assert.ok(track, 'tracked');
      assert.equal(track.interface, 'soap');
      assert.equal(track.code, c.code);
    });
  }

  test('a header for another role is left alone; SOAP 1.2 names the header it did not understand', async () => {
    assert.equal((await call(byNik('1.1', undefined, elsewhere))).answer.fault, false);
    const header12 = `<x:Trace xmlns:x="urn:other" xmlns:s="${ENV_NS['1.2']}" s:mustUnderstand="true">1</x:Trace>`;
    const { text } = await call(byNik('1.2', undefined, header12), { version: '1.2' });
    assert.match(text, /<soap:NotUnderstood qname="h:Trace" xmlns:h="urn:other"\/>/);
  });

  test('the server still answers after all of it', async () => {
    assert.equal((await call(byNik('1.1'))).answer.rows, 1);
  });
});

describe('SOAP answers from the worker pool (rows encoded as bytes on a worker thread)', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ workers: 1 });
    await setupDukcapil(t, await loadPendudukPg());
  });
  after(() => t?.close());

  test('a small answer and a streamed list both sit whole inside the envelope', async () => {
    const post = (operation: string, params: Record<string, string>, key: string) => t.fetch(new Request(`http://mantra.test${PATH}`, {
      method: 'POST', headers: { 'Content-Type': CONTENT_TYPE['1.2'], AccessKey: key }, body: envelope('1.2', NS, operation, params),
    }), {}).then((r) => r.text());
    const one = readAnswer(await post('penduduk_by_nik', { nik: '3201000000000042' }, BY_NIK));
    assert.deepEqual([one.fault, one.rows], [false, 1]);
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'semua', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: 'select nik, nama, alamat from penduduk order by nik', rowCap: 20_000 },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'semua');
    const all = await post('semua', {}, BY_NIK);
    assert.equal(readAnswer(all).rows, 10_000);
    assert.ok(all.endsWith('</m:semuaResponse></soap:Body></soap:Envelope>'));
  });
});
