/** The request each style sends, as the backend received it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyInvoker, prepareProxy } from '../../../connectors/proxy/index.ts';
import { json, withBackend } from './backend.ts';
import { php, phpSkip } from './php.ts';

const ok = () => json({ ok: 1 });
const params = { nik: '3201000000000042', nama: 'Budi Santoso/é' };

test('rest: endpoint/method/k=v&k2=v2, values encoded twice as the original, AccessKey and User-Agent: MANTRA', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'rest', endpoint: `${b.url}/api/`, method: 'penduduk', auth: { type: 'mantra', accessKey: 'tog89mzxyu' } });
    await inv.invoke(params);
    const got = b.received[0];
    assert.equal(got.method, 'GET');
    assert.equal(got.target, '/api/penduduk/nik=3201000000000042&nama=Budi%2BSantoso%252F%25C3%25A9');
    assert.equal(got.headers['accesskey'], 'tog89mzxyu');
    assert.equal(got.headers['user-agent'], 'MANTRA');
    assert.equal(got.body, '');
  });
});

test('rest: a receiving MANTRA (parse_str, then urldecode) reads the values back exactly', { skip: phpSkip() }, async () => {
  await withBackend(ok, async (b) => {
    const tricky = { q: 'a+b c&d=e/%20ü' };
    const inv = createProxyInvoker({ style: 'rest', endpoint: b.url, method: 'm' });
    await inv.invoke(tricky);
    const segment = b.received[0].target.split('/').slice(2).join('/');
    const decoded = php('parse_str($in, $r); foreach ($r as $k => $v) $r[$k] = urldecode($v); echo json_encode($r);', segment);
    assert.deepEqual(JSON.parse(decoded), tricky);
  });
});

test('restfull: endpoint/method/v1/v2, each value urlencoded', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'restfull', endpoint: b.url, method: 'cari' });
    await inv.invoke(params);
    assert.equal(b.received[0].target, '/cari/3201000000000042/Budi+Santoso%2F%C3%A9');
    assert.equal(b.received[0].headers['user-agent'], 'MANTRA');
  });
});

test('restfullpar: endpoint/method/k1/v1/k2/v2; mappings pick and order the values, fixed values included', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({
      style: 'restfullpar',
      endpoint: b.url,
      method: 'cari',
      mappings: [{ name: 'kode', value: 'X1' }, { name: 'nik', param: 'nik' }, { name: 'kosong', param: 'absent' }],
    });
    await inv.invoke(params);
    assert.equal(b.received[0].target, '/cari/kode/X1/nik/3201000000000042');
  });
});

test('a path value "." or ".." is refused before anything is sent (10005, invalid)', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'restfull', endpoint: b.url, method: 'cari' });
    await assert.rejects(inv.invoke({ nik: '..' }), { code: 10005, kind: 'invalid' });
    assert.equal(b.received.length, 0);
  });
});

test('get: query string after endpoint/method (PHP http_build_query)', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'get', endpoint: `${b.url}/svc.php`, method: '' });
    await inv.invoke(params);
    assert.equal(b.received[0].method, 'GET');
    assert.equal(b.received[0].target, '/svc.php?nik=3201000000000042&nama=Budi+Santoso%2F%C3%A9');
  });
});

test('post: form body, not idempotent', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'post', endpoint: b.url, method: 'simpan', auth: { type: 'mantra', accessKey: 'k' } });
    await inv.invoke(params);
    const got = b.received[0];
    assert.equal(got.method, 'POST');
    assert.equal(got.target, '/simpan');
    assert.match(got.headers['content-type'], /^application\/x-www-form-urlencoded/);
    assert.equal(got.body, 'nik=3201000000000042&nama=Budi+Santoso%2F%C3%A9');
    assert.equal(got.headers['user-agent'], 'MANTRA');
  });
});

test('http: placeholders, query, headers and a JSON body from caller and fixed values', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({
      style: 'http',
      httpMethod: 'PUT',
      endpoint: `${b.url}/v2/orang/{nik}?lang=id`,
      method: 'alamat',
      mappings: [
        { name: 'nik', in: 'path', param: 'nik' },
        { name: 'fields', in: 'query', value: 'nama,alamat' },
        { name: 'X-Request-Source', in: 'header', value: 'mantra' },
        { name: 'X-Nama', in: 'header', param: 'nama' },
        { name: 'alamat.jalan', in: 'body', param: 'jalan' },
        { name: 'alamat.rt', in: 'body', value: 7 },
        { name: 'aktif', in: 'body', value: true },
      ],
    });
    await inv.invoke({ nik: '32 01/..', nama: 'Budi', jalan: 'Jl. Merdeka' });
    const got = b.received[0];
    assert.equal(got.method, 'PUT');
    assert.equal(got.target, '/v2/orang/32%2001%2F../alamat?lang=id&fields=nama%2Calamat');
    assert.equal(got.headers['x-request-source'], 'mantra');
    assert.equal(got.headers['x-nama'], 'Budi');
    assert.match(got.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(got.body), { alamat: { jalan: 'Jl. Merdeka', rt: 7 }, aktif: true });
  });
});

test('http: without mappings, GET sends caller parameters as the query, POST as the body (form and XML)', async () => {
  await withBackend(ok, async (b) => {
    await createProxyInvoker({ style: 'http', endpoint: `${b.url}/q` }).invoke({ a: '1', b: 'x y' });
    assert.equal(b.received[0].target, '/q?a=1&b=x+y');
    await createProxyInvoker({ style: 'http', httpMethod: 'POST', bodyType: 'form', endpoint: `${b.url}/f` }).invoke({ a: '1', b: 'x&y' });
    assert.equal(b.received[1].body, 'a=1&b=x%26y');
    await createProxyInvoker({ style: 'http', httpMethod: 'POST', bodyType: 'xml', xmlRoot: 'permintaan', endpoint: `${b.url}/x` })
      .invoke({ nik: '1', nama: 'A & <B>' });
    assert.match(b.received[2].headers['content-type'], /^application\/xml/);
    assert.equal(b.received[2].body, '<?xml version="1.0" encoding="utf-8"?><permintaan><nik>1</nik><nama>A &amp; &lt;B&gt;</nama></permintaan>');
  });
});

test('http: a placeholder without a value is 10005 and nothing is sent', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'http', endpoint: `${b.url}/orang/{nik}` });
    await assert.rejects(inv.invoke({}), { code: 10005, kind: 'invalid', message: 'Seluruh parameter fungsi operasi wajib diisi' });
    assert.equal(b.received.length, 0);
  });
});

test('http: a header value with a line break is refused (10005) and nothing is sent', async () => {
  await withBackend(ok, async (b) => {
    const inv = createProxyInvoker({ style: 'http', endpoint: b.url, mappings: [{ name: 'X-A', in: 'header', param: 'a' }] });
    await assert.rejects(inv.invoke({ a: 'x\r\nHost: evil' }), { code: 10005, kind: 'invalid' });
    assert.equal(b.received.length, 0);
  });
});

test('no URL answers 10003 and no method 10004 on every call, like the original', async () => {
  const noUrl = createProxyInvoker({ style: 'rest', endpoint: '', method: 'm' });
  assert.equal(noUrl.problem?.code, 10003);
  await assert.rejects(noUrl.invoke({}), { code: 10003, kind: 'config', message: 'Alamat (URL) akses layanan tidak terdefinisi' });
  const noMethod = createProxyInvoker({ style: 'rest', endpoint: '', method: '' });
  await assert.rejects(noMethod.invoke({}), { code: 10004, message: 'Nama fungsi operasi tidak terdefinisi' });
  const soapNoOp = createProxyInvoker({ style: 'soap', endpoint: 'http://127.0.0.1:9/soap' });
  await assert.rejects(soapNoOp.invoke({}), { code: 10004 });
});

test('prepareProxy: nothing to look up for REST styles, but a bad configuration is refused at save time', async () => {
  assert.deepEqual(await prepareProxy({ style: 'rest', endpoint: 'http://127.0.0.1:9/api', method: 'm' }), { kind: 'http', version: 1 });
  await assert.rejects(prepareProxy({ style: 'rest', endpoint: '', method: 'm' }), { code: 10003, kind: 'config' });
  await assert.rejects(prepareProxy({ style: 'get', endpoint: 'http://user:pw@127.0.0.1:9/' }), { code: 10003 });
});

test('response headers pass only by rule; hop-by-hop and cookies never', async () => {
  const handler = () => json({ a: 1 }, 200, { 'x-rate-limit': '10', 'x-rate-secret': 's', 'x-trace': 't', 'set-cookie': 'a=b' });
  await withBackend(handler, async (b) => {
    const inv = createProxyInvoker({ style: 'http', endpoint: b.url, responseHeaders: { pass: ['x-rate-*', 'set-cookie'], drop: ['x-rate-secret'] } });
    const r = await inv.invoke({});
    assert.deepEqual(r.headers, { 'x-rate-limit': '10' });
    const none = await createProxyInvoker({ style: 'http', endpoint: b.url }).invoke({});
    assert.equal(none.headers, undefined);
  });
});
