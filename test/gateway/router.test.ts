/**
 * The gateway's own path matcher: which paths it takes, and that the server's entry (mantra.fetch) answers every
 * path exactly as Hono's routes do, over a real PostgreSQL (the golden cases and edge paths).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayRouter } from '../../src/gateway/router.ts';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, goldenCases, goldenRequest, setupDukcapil } from '../support/dukcapil.ts';

describe('gateway router', () => {
  test('takes every compatible path and the plain v1 paths, and leaves the rest to Hono', async () => {
    const seen: unknown[] = [];
    const record = (kind: string) => (_req: Request, _env: unknown, route: unknown) => {
      seen.push({ kind, route });
      return Promise.resolve(new Response('ok'));
    };
    const route = gatewayRouter(record('compat') as never, record('v1') as never, record('soap') as never);
    const claims = (path: string) => route(new Request(`http://mantra.test${path}`), undefined) !== undefined;
    assert.equal(claims('/v1/a/s/o?x=%20'), true);
    assert.deepEqual(seen.at(-1), { kind: 'v1', route: { agency: 'a', service: 's', operation: 'o' } });
    assert.equal(claims('/v1/a/s/o.xml'), true);
    // The compatible grammar splits the path itself, as the original did: every form reaches its handler.
    for (const path of ['/json/a/s/o', '/api/a/s/o/nik=1&x=2', '/json/a/s/o/', '/json/a/s/o/k=v/x', '/json/a//o',
      '/json/a/s/o/nama=Budi%20S', '/json/', '/xml/a']) {
      assert.equal(claims(path), true, path);
    }
    assert.deepEqual(seen.at(-1), { kind: 'compat', route: 'xml' });
    assert.equal(claims('/soap/a/s?wsdl'), true);
    assert.deepEqual(seen.at(-1), { kind: 'soap', route: { agency: 'a', service: 's' } });
    for (const path of ['/v1/a/s', '/v1/a/s/o/x', '/v1//s/o', '/JSON/a/s/o', '/json', '/constructor/a/s/o',
      '/v1/a%2Fb/s/o', '/', '/admin/api/x/y', '/soap/a', '/soap/a/s/', '/soap/a/s/o', '/soap//s', '/soap/a%2Fb/s']) {
      assert.equal(claims(path), false, path);
    }
  });
});

const skip = await needService('PostgreSQL', pgUrl);

describe('gateway router against Hono', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
    await setupDukcapil(t, await loadPendudukPg());
  });
  after(() => t?.close());

  test('mantra.fetch and the Hono app give the same answers', async () => {
    const requests: [string, RequestInit][] = goldenCases().map(goldenRequest);
    const v1 = { headers: { Authorization: `Bearer ${BY_NIK}` } };
    for (const path of [
      '/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042',
      '/v1/dukcapil/kependudukan/penduduk_by_nik.xml?nik=3201000000000042',
      '/v1/dukcapil/kependudukan/penduduk_by_nik?nik=%33201000000000042',
      '/v1/dukcapil/kependudukan/penduduk_by_nik',
      '/v1/dukcapil/kependudukan/tidak_ada?nik=1',
      '/v1/dukcapil/kependudukan',
      '/v1/dukcapil//penduduk_by_nik',
    ]) requests.push([path, v1]);
    const compat = { headers: { AccessKey: BY_NIK } };
    for (const path of [
      '/json/dukcapil/kependudukan/penduduk_by_nik/',
      '/json/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042/lebih',
      '/json/dukcapil/kependudukan/penduduk_by_nik/nik=32010000%3000000042',
      '/JSON/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042',
      '/xml/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042',
    ]) requests.push([path, compat]);
    const envelope = '<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>' +
      '<p:penduduk_by_nik xmlns:p="urn:mantra:dukcapil:kependudukan"><p:nik>3201000000000042</p:nik></p:penduduk_by_nik></e:Body></e:Envelope>';
    const soap = { method: 'POST', headers: { AccessKey: BY_NIK, 'Content-Type': 'text/xml' }, body: envelope };
    for (const path of ['/soap/dukcapil/kependudukan', '/soap/dukcapil/tidak_ada', '/soap/dukcapil/kependudukan/']) requests.push([path, soap]);
    requests.push(['/soap/dukcapil/kependudukan?wsdl', {}], ['/soap/dukcapil/kependudukan', {}]);
    const env = { requestId: 'router-test', remoteAddress: '127.0.0.1' };
    for (const [path, init] of requests) {
      const direct = await t.fetch(new Request(`http://mantra.test${path}`, init), env);
      const viaHono = await t.app.fetch(new Request(`http://mantra.test${path}`, init), env);
      const label = `${init.method ?? 'GET'} ${path}`;
      assert.equal(direct.status, viaHono.status, label);
      assert.equal(direct.headers.get('content-type'), viaHono.headers.get('content-type'), label);
      assert.equal(await direct.text(), await viaHono.text(), label);
    }
  });
});
