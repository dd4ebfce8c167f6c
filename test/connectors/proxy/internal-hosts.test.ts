/** Internal backends (this machine, link-local, cloud metadata) are refused unless the settings list them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { createProxyInvoker, InternalBackendError, lookupBackends, prepareProxy } from '../../../connectors/proxy/index.ts';
import { addressReason, type InternalCheck, internalReason } from '../../../connectors/proxy/internal-hosts.ts';
import { json, withBackend } from './backend.ts';

const reasonOf = (url: string, check: InternalCheck = { allow: [] }) => internalReason(new URL(url), check);

test('every spelling of loopback, link-local, metadata and unspecified addresses is internal', () => {
  const cases: [string, string][] = [
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.8.9.10:81/', 'loopback'],
    ['http://2130706433/', 'loopback'], // 127.0.0.1 as one number (URL normalises it)
    ['http://0x7f.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'loopback'],
    ['http://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://localhost:8080/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://169.254.1.2/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[febf::1]/', 'link-local'],
    ['http://0.0.0.0:8080/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://[::ffff:0.0.0.0]/', 'unspecified'],
  ];
  for (const [url, reason] of cases) assert.equal(reasonOf(url), reason, url);
  for (const url of ['http://8.8.8.8/', 'http://[2001:db8::1]/', 'http://[fec0::1]/', 'http://api.dukcapil.go.id/', 'http://169.255.0.1/', 'http://128.0.0.1/']) {
    assert.equal(reasonOf(url), undefined, url);
  }
});

test("the server's own addresses are internal", () => {
  const own = Object.values(os.networkInterfaces()).flat().map((a) => a!.address);
  assert.ok(own.length > 0);
  for (const address of own) assert.ok(addressReason(address), address);
});

test('a name is judged by every address it resolves to', () => {
  const addresses = new Map([['intranet.example', ['203.0.113.7', '169.254.169.254']], ['public.example', ['203.0.113.8']]]);
  assert.equal(reasonOf('http://intranet.example/x', { allow: [], addresses }), 'metadata');
  assert.equal(reasonOf('http://public.example/x', { allow: [], addresses }), undefined);
});

test('the settings allow an internal backend by host or host:port, as backendAllowlist does', () => {
  assert.equal(reasonOf('http://127.0.0.1:8080/', { allow: ['127.0.0.1'] }), undefined);
  assert.equal(reasonOf('http://127.0.0.1:8080/', { allow: ['127.0.0.1:8080'] }), undefined);
  assert.equal(reasonOf('http://127.0.0.1:8081/', { allow: ['127.0.0.1:8080'] }), 'loopback');
  assert.equal(reasonOf('http://[::1]:80/', { allow: ['[::1]:80'] }), undefined);
  // Another spelling of an allowed address is not allowed by it.
  assert.equal(reasonOf('http://[::ffff:127.0.0.1]/', { allow: ['127.0.0.1'] }), 'loopback');
  assert.equal(reasonOf('http://localhost/', { allow: ['127.0.0.1'] }), 'loopback');
});

test('names are looked up with every address; one that does not resolve maps to none', async () => {
  const found = await lookupBackends(['http://localhost:1/', 'http://no-such-host.invalid/', 'http://127.0.0.1/']);
  assert.ok(found.get('localhost')!.includes('127.0.0.1'));
  assert.deepEqual(found.get('no-such-host.invalid'), []);
  assert.equal(found.has('127.0.0.1'), false, 'literals need no lookup');
});

test('prepareProxy and createProxyInvoker refuse an internal backend unless it is listed', async () => {
  await withBackend(() => json({ ok: 1 }), async (b) => {
    const spec = { style: 'get' as const, endpoint: b.url };
    await assert.rejects(prepareProxy(spec, { internalBackends: [] }), (e) => e instanceof InternalBackendError && e.reason === 'loopback' && e.code === 10003);
    await assert.rejects(prepareProxy({ style: 'get', endpoint: b.url.replace('127.0.0.1', 'localhost') }, { internalBackends: ['127.0.0.1'] }), InternalBackendError);
    // Every URL the operation reaches counts: a health check on this machine too.
    await assert.rejects(prepareProxy({ style: 'get', endpoint: 'http://203.0.113.9/', health: { url: `${b.url}/health` } }, { internalBackends: [] }), InternalBackendError);
    assert.deepEqual(await prepareProxy(spec, { internalBackends: [new URL(b.url).host] }), { kind: 'http', version: 1 });

    const refused = createProxyInvoker(spec, { internal: { allow: [] } });
    assert.ok(refused.problem instanceof InternalBackendError);
    await assert.rejects(refused.invoke({}), { code: 10003 });
    const allowed = createProxyInvoker(spec, { internal: { allow: ['127.0.0.1'] } });
    assert.deepEqual((await allowed.invoke({})).data, { ok: 1 });
    allowed.dispose();
    // A name that resolved to an internal address when compiled.
    const named = createProxyInvoker({ style: 'get', endpoint: 'http://backend.example/' }, { internal: { allow: [], addresses: new Map([['backend.example', ['10.0.0.1', '::1']]]) } });
    assert.ok(named.problem instanceof InternalBackendError);
  });
});

test('a SOAP WSDL on this machine is refused before it is read', async () => {
  let reads = 0;
  await withBackend(() => {
    reads++;
    return json({});
  }, async (b) => {
    await assert.rejects(prepareProxy({ style: 'soap', endpoint: 'http://203.0.113.9/soap', wsdl: `${b.url}/wsdl`, method: 'x' }, { internalBackends: [] }), InternalBackendError);
    assert.equal(reads, 0);
  });
});
