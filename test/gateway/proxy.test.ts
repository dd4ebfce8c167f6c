/**
 * Proxy operations through the gateway, against real HTTP servers: federation (a Mantra in front of another
 * Mantra gives the caller the inner one's bytes), backend failures in both caller formats, fallback marking.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const HUB_KEY = 'hubkey0001';
const skip = await needService('PostgreSQL', pgUrl);

describe('proxy operations', { skip }, () => {
  let inner: Awaited<ReturnType<typeof testApp>>, hub: Awaited<ReturnType<typeof testApp>>;
  let innerServer: Server, flaky: Server;
  let innerBase = '', flakyBase = '';
  let flakyMode: 'ok' | 'down' | 'slow' | 'endless' = 'ok';

  const proxyOp = (slug: string, proxy: Record<string, unknown>) =>
    hub.put('operation', { agency: 'hub', service: 'kependudukan', slug, kind: 'proxy', params: [{ name: 'nik' }], proxy })
      .then(() => hub.subscribe(HUB_KEY, 'hub', 'kependudukan', slug));

  before(async () => {
    inner = await testApp();
    await setupDukcapil(inner, await loadPendudukPg());
    innerServer = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => inner.app.fetch(req, info) });
    innerBase = `http://127.0.0.1:${innerServer.port}`;
    flaky = await runtime.serve({
      port: 0, hostname: '127.0.0.1',
      fetch: async (req) => {
        if (flakyMode === 'down') return new Response('oops', { status: 500 });
        if (flakyMode === 'slow') await new Promise((r) => setTimeout(r, 2000));
        if (flakyMode === 'endless') return new Response(endless());
        return Response.json({ nik: new URL(req.url).searchParams.get('nik'), status: 'hidup' }, {
          headers: { 'x-backend-version': '7', 'x-internal-host': 'db01.local' },
        });
      },
    });
    flakyBase = `http://127.0.0.1:${flaky.port}`;

    hub = await testApp();
    // The backends run on this machine: an administrator's allowance.
    await hub.put('settings', { internalBackends: ['127.0.0.1'] });
    await hub.put('agency', { slug: 'hub', name: 'GSB' });
    await hub.put('service', { agency: 'hub', slug: 'kependudukan' });
    for (const fmt of ['json', 'xml', 'api']) {
      await proxyOp(`by_nik_${fmt}`, {
        style: 'rest', endpoint: `${innerBase}/${fmt}/dukcapil/kependudukan`, method: 'penduduk_by_nik',
        auth: { type: 'mantra', accessKey: hub.secrets.encrypt(BY_NIK) },
      });
    }
    await proxyOp('status', {
      style: 'get', endpoint: flakyBase, method: 'status', timeoutMs: 500, fallback: true,
      responseHeaders: { pass: ['x-backend-version'] },
    });
    // No breaker: its failures would count against the same backend the tests below need closed.
    await proxyOp('status_kecil', { style: 'get', endpoint: flakyBase, method: 'status', timeoutMs: 2000, maxResponseBytes: 1024, breaker: { failures: 0 } });
  });
  after(async () => {
    await innerServer?.stop();
    await flaky?.stop();
    await hub?.close();
    await inner?.close();
  });

  for (const fmt of ['json', 'xml', 'api']) {
    for (const nik of ['3201000000000042', '3201999999999999']) {
      test(`federation: /${fmt} through the hub gives the inner bytes (nik ${nik})`, async () => {
        const direct = await fetch(`${innerBase}/${fmt}/dukcapil/kependudukan/penduduk_by_nik/nik=${nik}`, { headers: { AccessKey: BY_NIK } });
        const viaHub = await hub.app.request(`/${fmt}/hub/kependudukan/by_nik_${fmt}/nik=${nik}`, { headers: { AccessKey: HUB_KEY } });
        assert.equal(viaHub.status, 200);
        assert.equal(await viaHub.text(), await direct.text());
      });
    }
  }

  test('v1 over a proxy operation: the backend data under data, its source in meta', async () => {
    flakyMode = 'ok';
    const res = await hub.app.request('/v1/hub/kependudukan/status?nik=42', { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.data, { nik: '42', status: 'hidup' });
    assert.equal(body.meta.source, 'backend');
    assert.equal(res.headers.get('x-backend-version'), '7', 'passed by rule');
    assert.equal(res.headers.get('x-internal-host'), null, 'not passed');
    assert.match(res.headers.get('content-type')!, /^application\/json/, 'our own headers win');
  });

  test('a proxy reply is shaped: fields renamed, codes labelled, and a subscription\'s field masked', async () => {
    flakyMode = 'ok';
    await hub.put('operation', {
      agency: 'hub', service: 'kependudukan', slug: 'status_shaped', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'get', endpoint: flakyBase, method: 'status', timeoutMs: 500 },
      shape: { fields: [{ from: 'nik', as: 'nomor' }, { from: 'status' }], labels: { status: { hidup: 'Hidup' } } },
    });
    await hub.subscribe(HUB_KEY, 'hub', 'kependudukan', 'status_shaped');
    const plain = await hub.app.request('/v1/hub/kependudukan/status_shaped?nik=3201000000000042', { headers: { 'X-API-Key': HUB_KEY } });
    assert.deepEqual((await plain.json()).data, { nomor: '3201000000000042', status: 'Hidup' });
    const maskedKey = 'hubkeymask1';
    await hub.subscribe(maskedKey, 'hub', 'kependudukan', 'status_shaped', { maskFields: ['nomor'] });
    const masked = await hub.app.request('/v1/hub/kependudukan/status_shaped?nik=3201000000000042', { headers: { 'X-API-Key': maskedKey } });
    assert.deepEqual((await masked.json()).data, { nomor: '3201********0042', status: 'Hidup' });
    // Changed rules apply to the next call (nothing shaped with the old ones is kept).
    await hub.subscribe(maskedKey, 'hub', 'kependudukan', 'status_shaped', { hideFields: ['status'] });
    const hidden = await hub.app.request('/v1/hub/kependudukan/status_shaped?nik=3201000000000042', { headers: { 'X-API-Key': maskedKey } });
    assert.deepEqual((await hidden.json()).data, { nomor: '3201000000000042' });
  });

  test('backend down: fallback serves the last good answer, marked', async () => {
    flakyMode = 'down';
    const res = await hub.app.request('/v1/hub/kependudukan/status?nik=42', { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-mantra-source'), 'fallback');
    assert.equal((await res.json()).meta.source, 'fallback');
  });

  test('backend down with no fallback: 502 problem on v1, 10020 envelope on the compatible path', async () => {
    flakyMode = 'down';
    const v1 = await hub.app.request('/v1/hub/kependudukan/status?nik=77', { headers: { 'X-API-Key': HUB_KEY } });
    // nik=77 was never answered well, so the fallback has nothing for it
    assert.equal(v1.status, 502);
    assert.equal((await v1.json()).code, 10020);
    const compat = await hub.app.request('/json/hub/kependudukan/status/nik=77', { headers: { AccessKey: HUB_KEY } });
    const body = JSON.parse(await compat.text());
    assert.equal(body.response.status, 0);
    assert.equal(body.response.code, 10020);
    assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1/);
  });

  test('an endless (oversized) reply has its own code, 10032, not "unreachable" 10020', async () => {
    flakyMode = 'endless';
    const v1 = await hub.app.request('/v1/hub/kependudukan/status_kecil?nik=1', { headers: { 'X-API-Key': HUB_KEY, 'Accept-Language': 'en' } });
    assert.equal(v1.status, 502);
    const problem = await v1.json();
    assert.deepEqual([problem.code, problem.detail], [10032, 'The backend reply exceeds the size limit']);
    const compat = await hub.app.request('/json/hub/kependudukan/status_kecil/nik=1', { headers: { AccessKey: HUB_KEY } });
    const { response } = JSON.parse(await compat.text());
    assert.deepEqual([response.status, response.code, response.message], [0, 10032, 'Jawaban layanan melebihi batas ukuran']);
    await hub.tracker.flush();
    const tracks = await hub.store.tracks({ limit: 1000 });
    assert.ok(tracks.some((r) => r.code === 10032 && r.status === 502), 'the track tells the operator too');
  });

  test('a slow backend times out: 504 within the limit', async () => {
    flakyMode = 'slow';
    const started = performance.now();
    const res = await hub.app.request('/v1/hub/kependudukan/status?nik=78', { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(res.status, 504);
    assert.equal((await res.json()).code, 10021);
    assert.ok(performance.now() - started < 1500);
  });

  test('a proxy whose backend host is not allowed answers 10003 after the allowlist changes', async () => {
    await hub.put('settings', { backendAllowlist: ['backend.example.go.id'], internalBackends: ['127.0.0.1'] });
    const res = await hub.app.request('/json/hub/kependudukan/status/nik=1', { headers: { AccessKey: HUB_KEY } });
    assert.equal(JSON.parse(await res.text()).response.code, 10003);
    await hub.put('settings', { backendAllowlist: [], internalBackends: ['127.0.0.1'] });
  });

  test('a proxy to this machine answers 10003 once the internal backends no longer allow it', async () => {
    flakyMode = 'ok';
    await hub.put('settings', { internalBackends: [] });
    const res = await hub.app.request('/json/hub/kependudukan/status/nik=1', { headers: { AccessKey: HUB_KEY } });
    assert.equal(JSON.parse(await res.text()).response.code, 10003);
    await hub.put('settings', { internalBackends: ['127.0.0.1'] });
    const again = await hub.app.request('/json/hub/kependudukan/status/nik=1', { headers: { AccessKey: HUB_KEY } });
    assert.equal(JSON.parse(await again.text()).response.status, 1);
  });
});

/** A reply body that never ends. */
function endless(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(8192).fill(0x61);
  return new ReadableStream({ pull: (ctl) => ctl.enqueue(chunk) }, { highWaterMark: 0 });
}
