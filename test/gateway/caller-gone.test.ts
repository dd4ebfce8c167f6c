/**
 * A caller that closes its connection mid-request is a normal event: no error (or warning) in the log, whatever it
 * was waiting for (its own body, a database, a backend), and its track says 10031.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { capturedLog } from '../support/captured-log.ts';
import { log } from '../../src/observability/log.ts';
import { withRequestId } from '../../src/app-env.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const skip = await needService('PostgreSQL', pgUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a caller that leaves mid-request', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>, server: Server, backend: Server;

  /** Sends the bytes, hangs up after `ms`, and waits until the server has given up the call too. */
  async function leave(request: string, ms: number) {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(request.replace(/\n/g, '\r\n'));
    await sleep(ms);
    socket.destroy();
    await sleep(400);
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'lambat', kind: 'data', params: [{ name: 'nik' }],
      data: { form: 'sql', connector: 'pg', sql: 'select nik, pg_sleep(2) from penduduk where nik = :nik' },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'lambat');
    backend = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: () => sleep(2000).then(() => Response.json({ a: 1 })) });
    // The backend runs on this machine: an administrator's allowance.
    await t.put('settings', { internalBackends: [`127.0.0.1:${backend.port}`] });
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'lambat_proxy', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'get', endpoint: `http://127.0.0.1:${backend.port}`, method: 'x', timeoutMs: 5000 },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'lambat_proxy');
    server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
  });
  after(async () => {
    await server?.stop();
    await backend?.stop();
    await t?.close();
  });

  test('mid-body, mid-query and mid-backend-call: tracked as 10031, nothing logged above debug', async () => {
    const head = `Host: x\nX-API-Key: ${BY_NIK}\nAccessKey: ${BY_NIK}\n`;
    const form = 'Content-Type: application/x-www-form-urlencoded\nContent-Length: 100\n\nnik=32';
    const multipart = 'Content-Type: multipart/form-data; boundary=XX\nContent-Length: 500\n\n--XX\nContent-Disposition: form-data; name="nik"\n\n32';
    const requests = [
      `POST /v1/dukcapil/kependudukan/penduduk_by_nik HTTP/1.1\n${head}${form}`,
      `POST /json/dukcapil/kependudukan/penduduk_by_nik HTTP/1.1\n${head}${form}`,
      `POST /v1/dukcapil/kependudukan/penduduk_by_nik HTTP/1.1\n${head}${multipart}`,
      `GET /v1/dukcapil/kependudukan/lambat?nik=3201000000000042 HTTP/1.1\n${head}\n`,
      `GET /json/dukcapil/kependudukan/lambat?nik=3201000000000042 HTTP/1.1\n${head}\n`,
      `GET /v1/dukcapil/kependudukan/lambat_proxy?nik=1 HTTP/1.1\n${head}\n`,
    ];
    await t.tracker.flush();
    const before = (await t.store.tracks({ limit: 10_000 })).length;
    const lines = await capturedLog(async () => {
      log('debug', 'capture works');
      for (const request of requests) await leave(request, 300);
    });
    assert.ok(lines.some((l) => l.msg === 'capture works'), 'the log is captured in this runtime');
    assert.deepEqual(lines.filter((l) => l.level === 'error' || l.level === 'warn'), []);
    await t.tracker.flush();
    const tracks = (await t.store.tracks({ limit: 10_000 })).slice(before);
    assert.deepEqual(tracks.map((r) => [r.operation, r.status, r.code]), [
      ['penduduk_by_nik', 499, 10031], ['penduduk_by_nik', 499, 10031], ['penduduk_by_nik', 499, 10031],
      ['lambat', 499, 10031], ['lambat', 499, 10031], ['lambat_proxy', 499, 10031],
    ]);
  });

  test('a malformed multipart body is the caller\'s error (400 / 10005), not a failed call', async () => {
    const lines = await capturedLog(async () => {
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/dukcapil/kependudukan/penduduk_by_nik`, {
        method: 'POST', headers: { 'X-API-Key': BY_NIK, 'Content-Type': 'multipart/form-data; boundary=XX' }, body: 'garbage',
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).code, 10005);
    });
    assert.deepEqual(lines.filter((l) => l.level === 'error'), []);
  });
});
