/** SOAP backends against a SOAP 1.1/1.2 server written here: WSDL at prepare time, envelopes, replies, faults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyInvoker, prepareProxy, type PreparedProxy } from '../../../connectors/proxy/index.ts';
import type { ProxySpecInput } from '../../../src/model/operation-proxy.ts';
import { type Backend, text, withBackend } from '../proxy/backend.ts';
import { pendudukWsdl, rpcWsdl } from './wsdls.ts';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const envelope = (ns: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${ns}"><env:Body>${body}</env:Body></env:Envelope>`;

const row = (nik: string) =>
  `<ns1:penduduk><ns1:nik>${nik}</ns1:nik><ns1:nama>Penduduk ${nik}</ns1:nama><ns1:alamat>Jl. A &amp; B</ns1:alamat>` +
  `<ns1:catatan xsi:nil="true"/></ns1:penduduk>`;

/** A SOAP server in the manner of JAX-WS or PHP: the WSDL on GET ?wsdl, answers chosen by the nik sent. */
function soapServer(wsdl: string) {
  return (req: Request, rec: { target: string; headers: Record<string, string>; body: string }) => {
    if (req.method === 'GET') return rec.target.endsWith('?wsdl') ? text(wsdl, 200, 'text/xml') : text('not found', 404);
    const v12 = rec.headers['content-type']?.startsWith('application/soap+xml');
    const ns = v12 ? SOAP12 : SOAP11;
    const type = v12 ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
    const reply = (body: string, status = 200) => text(envelope(ns, body), status, type);
    const nik = /<(?:\w+:)?nik>([^<]*)</.exec(rec.body)?.[1] ?? '';
    switch (nik) {
      case '0':
        return v12
          ? reply('<env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="id">NIK tidak valid</env:Text></env:Reason></env:Fault>', 400)
          : reply('<env:Fault><faultcode>env:Client</faultcode><faultstring>NIK tidak valid</faultstring></env:Fault>', 500);
      case '9':
        return reply('<ns1:getPendudukResponse xmlns:ns1="urn:mantra:penduduk"/>');
      case '2':
        return reply(`<ns1:getPendudukResponse xmlns:ns1="urn:mantra:penduduk" xmlns:xsi="${XSI}">${row('2')}${row('3')}</ns1:getPendudukResponse>`);
      case 'mantra':
        return reply('<r:getPendudukResponse xmlns:r="urn:mantra:penduduk"><return><response><status>0</status><code>10012</code>' +
          '<message>Data tidak ada</message><data></data></response></return></r:getPendudukResponse>');
      case 'bad':
        return text('Service Temporarily Unavailable', 200, 'text/plain');
      case 'down':
        return text('<html>busy</html>', 503, 'text/html');
      case 'laughs':
        return text('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>', 200, 'text/xml');
      default:
        return reply(`<ns1:getPendudukResponse xmlns:ns1="urn:mantra:penduduk" xmlns:xsi="${XSI}">${row(nik)}</ns1:getPendudukResponse>`);
    }
  };
}

async function prepared(spec: ProxySpecInput) {
  const p: PreparedProxy = await prepareProxy(spec);
  return createProxyInvoker(spec, { prepared: p });
}

const pendudukSpec = (b: Backend, extra: Partial<ProxySpecInput> = {}): ProxySpecInput =>
  ({ style: 'soap', endpoint: `${b.url}/soap`, method: 'getPenduduk', ...extra }) as ProxySpecInput;

test('SOAP 1.1 document/literal: WSDL read at prepare time, the envelope as the schema says, the reply as a tree', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    const spec = pendudukSpec(b, {
      mappings: [{ name: 'detail', value: 'ya' }, { name: 'nik', param: 'nik' }, { name: 'bukanSkema', value: 'x' }],
      auth: { type: 'mantra', accessKey: 'kunci' },
    });
    const inv = await prepared(spec);
    assert.equal(b.received.length, 1, 'the WSDL is fetched once, at prepare time');
    assert.equal(b.received[0].target, '/soap?wsdl');
    const r = await inv.invoke({ nik: '3201000000000042' });
    const got = b.received[1];
    assert.equal(got.method, 'POST');
    assert.equal(got.target, '/soap');
    assert.equal(got.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(got.headers['soapaction'], '"urn:mantra:penduduk#getPenduduk"');
    assert.equal(got.headers['accesskey'], 'kunci');
    assert.equal(got.body, '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
      '<soap:Body><m:getPenduduk xmlns:m="urn:mantra:penduduk"><m:nik>3201000000000042</m:nik><m:detail>ya</m:detail>' +
      '</m:getPenduduk></soap:Body></soap:Envelope>');
    assert.deepEqual(r.data, { getPenduduk: { nik: '3201000000000042', nama: 'Penduduk 3201000000000042', alamat: 'Jl. A & B', catatan: null } });
    assert.equal(r.source, 'backend');
    const two = await inv.invoke({ nik: '2' });
    assert.deepEqual(two.data, {
      getPenduduk: { penduduk: [
        { nik: '2', nama: 'Penduduk 2', alamat: 'Jl. A & B', catatan: null },
        { nik: '3', nama: 'Penduduk 3', alamat: 'Jl. A & B', catatan: null },
      ] },
    });
  });
});

test('SOAP 1.2: action in the Content-Type, the 1.2 envelope; MANTRA\'s operation#deep#resultKey names the result', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    const inv = await prepared(pendudukSpec(b, { soapVersion: '1.2', method: 'getPenduduk#1#data_penduduk' }));
    const r = await inv.invoke({ nik: '5', tidakDikenal: 'x' });
    const got = b.received[1];
    assert.equal(got.headers['content-type'], 'application/soap+xml; charset=utf-8; action="urn:mantra:penduduk#getPenduduk"');
    assert.equal(got.headers['soapaction'], undefined);
    assert.match(got.body, /^<\?xml version="1\.0" encoding="utf-8"\?><soap:Envelope xmlns:soap="http:\/\/www\.w3\.org\/2003\/05\/soap-envelope">/);
    assert.doesNotMatch(got.body, /tidakDikenal/, 'names the schema does not know are left out');
    assert.deepEqual(r.data, { data_penduduk: { nik: '5', nama: 'Penduduk 5', alamat: 'Jl. A & B', catatan: null } });
  });
});

test('faults: SOAP 1.1 faultcode/faultstring and 1.2 Code/Reason become 10007 with the text passed on', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    for (const soapVersion of ['1.1', '1.2'] as const) {
      const inv = await prepared(pendudukSpec(b, { soapVersion, breaker: { failures: 1 } }));
      const e = await inv.invoke({ nik: '0' }).then(() => undefined, (err) => err);
      assert.deepEqual([e.code, e.kind, e.passthrough], [10007, 'remote', true]);
      assert.equal(e.message, soapVersion === '1.1' ? 'SOAP Fault (Client): NIK tidak valid' : 'SOAP Fault (Sender): NIK tidak valid');
      assert.equal(inv.health().breaker, 'closed', 'a fault is an answer: the backend is alive');
    }
  });
});

test('empty result 10009, not SOAP / HTTP error 10008, inner MANTRA envelope passed on, DOCTYPE refused', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    const inv = await prepared(pendudukSpec(b));
    const failure = (nik: string) => inv.invoke({ nik }).then(() => assert.fail('expected an error'), (e) => e);
    const empty = await failure('9');
    assert.deepEqual([empty.code, empty.kind, empty.message], [10009, 'remote', 'Hasil fungsi operasi SOAP tidak ada (kosong)']);
    const bad = await failure('bad');
    assert.deepEqual([bad.code, bad.kind], [10008, 'unavailable']);
    const down = await failure('down');
    assert.deepEqual([down.code, down.kind, down.message], [10008, 'unavailable', 'The SOAP backend answered HTTP 503']);
    const inner = await failure('mantra');
    assert.deepEqual([inner.code, inner.message, inner.kind], [10012, 'Data tidak ada', 'remote']);
    const started = Date.now();
    const laughs = await failure('laughs');
    assert.equal(laughs.code, 10008);
    assert.match(laughs.message, /document type declaration/);
    assert.ok(Date.now() - started < 1000);
  });
});

test('retries only for SOAP operations marked idempotent', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    const base = pendudukSpec(b, { retries: 2, retryBaseMs: 5, breaker: { failures: 0 } });
    await (await prepared(base)).invoke({ nik: 'down' }).catch(() => {});
    assert.equal(b.received.filter((r) => r.method === 'POST').length, 1);
    b.received.length = 0;
    await (await prepared({ ...base, soapIdempotent: true })).invoke({ nik: 'down' }).catch(() => {});
    assert.equal(b.received.filter((r) => r.method === 'POST').length, 3);
  });
});

test('rpc/literal: parts as unqualified children of the operation element in the body namespace', async () => {
  await withBackend((req, rec) => {
    if (req.method === 'GET') return text(rpcWsdl, 200, 'text/xml');
    return text(envelope(SOAP11, '<m:cariKKResponse xmlns:m="urn:kk:rpc"><return>KK-' + /<nokk>(\d+)</.exec(rec.body)?.[1] + '</return></m:cariKKResponse>'));
  }, async (b) => {
    const spec: ProxySpecInput = { style: 'soap', endpoint: `${b.url}/rpc`, wsdl: `${b.url}/kk.wsdl`, soapOperation: 'cariKK' };
    const inv = await prepared(spec);
    assert.equal(b.received[0].target, '/kk.wsdl');
    const r = await inv.invoke({ kodeWilayah: '3201', nokk: '123' });
    assert.equal(b.received[1].headers['soapaction'], '"cariKK"');
    assert.match(b.received[1].body, /<soap:Body><m:cariKK xmlns:m="urn:kk:rpc"><nokk>123<\/nokk><kodeWilayah>3201<\/kodeWilayah><\/m:cariKK><\/soap:Body>/);
    assert.deepEqual(r.data, { cariKK: 'KK-123' });
  });
});

test('prepare: WSDL unreachable or missing is 10006, an operation not in the WSDL 10008, a missing binding 10006', async () => {
  const unreachable = await prepareProxy({ style: 'soap', endpoint: 'http://127.0.0.1:9/soap', method: 'x', timeoutMs: 500 })
    .then(() => undefined, (e) => e);
  assert.deepEqual([unreachable.code, unreachable.kind], [10006, 'config']);
  assert.match(unreachable.message, /^SOAP Constructor Error: /);
  assert.doesNotMatch(unreachable.message, /127\.0\.0\.1/);
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    await assert.rejects(prepareProxy({ style: 'soap', endpoint: `${b.url}/soap`, wsdl: `${b.url}/nothing`, method: 'getPenduduk' }), {
      code: 10006,
      message: 'SOAP Constructor Error: the WSDL could not be read (HTTP 404)',
    });
    await assert.rejects(prepareProxy(pendudukSpec(b, { method: 'hapusPenduduk' })), {
      code: 10008,
      message: 'operation hapusPenduduk not present in WSDL',
    });
    await assert.rejects(prepareProxy(pendudukSpec(b, { method: '' })), { code: 10004 });
  });
  await withBackend(() => text(rpcWsdl, 200, 'text/xml'), async (b) => {
    await assert.rejects(prepareProxy({ style: 'soap', endpoint: `${b.url}/rpc`, method: 'cariKK', soapVersion: '1.2' }), {
      code: 10006,
      message: 'SOAP Constructor Error: the WSDL has no SOAP 1.2 binding for operation "cariKK"',
    });
  });
});

test('an invoker without a prepared WSDL (or one for another configuration) answers 10006', async () => {
  await withBackend(soapServer(pendudukWsdl), async (b) => {
    assert.equal(createProxyInvoker(pendudukSpec(b)).problem?.code, 10006);
    const p = await prepareProxy(pendudukSpec(b));
    assert.equal(createProxyInvoker(pendudukSpec(b, { soapVersion: '1.2' }), { prepared: p }).problem?.code, 10006);
    assert.equal(createProxyInvoker(pendudukSpec(b), { prepared: JSON.parse(JSON.stringify(p)) }).problem, undefined, 'stored as JSON, it works');
  });
});
