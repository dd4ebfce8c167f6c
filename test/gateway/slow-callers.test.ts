/**
 * Callers of a long answer who read slowly, stop reading, or leave, over a real socket: the read in the database
 * (a COPY for csv, a cursor for json) is stopped within seconds, the server holds no more of the answer than its
 * connection buffers, and the call's track says what happened. The answer's stall limit is shortened here
 * (answerLimits.stallMs, 30 s in service).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import postgres from 'postgres';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { withRequestId } from '../../src/app-env.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';
import { answerLimits } from '../../src/gateway/body.ts';

const skip = await needService('PostgreSQL', pgUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALL_MS = 1500;

/** A raw HTTP/1.1 caller that reads only as told. */
function caller(port: number, path: string, requestId: string) {
  const socket = net.connect(port, '127.0.0.1');
  let received = 0;
  let closed = false;
  socket.on('data', (b: Uint8Array) => void (received += b.byteLength));
  socket.on('error', () => {});
  socket.on('close', () => void (closed = true));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: mantra.test\r\nX-API-Key: ${BY_NIK}\r\nX-Request-Id: ${requestId}\r\n\r\n`);
  return {
    socket,
    received: () => received,
    closed: () => closed,
  };
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

for (const workers of [0, 1]) {
  describe(`callers of a long answer who read slowly, stop or leave (workers=${workers})`, { skip }, () => {
    let t: Awaited<ReturnType<typeof testApp>>, server: Server, admin: ReturnType<typeof postgres>;
    const marker = `lambat_${workers}_${Date.now().toString(36)}`;
    const kept = answerLimits.stallMs;

    const running = async () =>
      (await admin.unsafe(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%${marker}%' AND query NOT LIKE '%pg_stat_activity%'`)).length;
    const trackOf = async (requestId: string) => {
      await t.tracker.flush();
      return (await t.store.tracks({ limit: 10_000 })).find((r) => r.requestId === requestId);
    };

    before(async () => {
      answerLimits.stallMs = STALL_MS;
      admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
      t = await testApp({ workers });
      await setupDukcapil(t, await loadPendudukPg());
      // 20 million rows, some 600 MB of csv: far more than any buffer on the way. Two joined series: one big series
      // would be computed whole before its first row.
      const sql = `select a * 10000 + b as n, 'baris ${marker} ' || b as teks from generate_series(1, 2000) a, generate_series(1, 10000) b`;
      await t.put('operation', {
        agency: 'dukcapil', service: 'kependudukan', slug: 'ekspor_besar', kind: 'data',
        data: { form: 'sql', connector: 'pg', sql, rowCap: 100_000_000, timeoutMs: 120_000 },
      });
      await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'ekspor_besar');
      server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
    });
    after(async () => {
      answerLimits.stallMs = kept;
      await server?.stop();
      await t?.close();
      await admin?.end();
    });

    // csv streams from COPY, json through a cursor.
    for (const format of ['csv', 'json'] as const) {
      const path = `/v1/dukcapil/kependudukan/ekspor_besar.${format}`;

      test(`${format}: a caller who reads a few KB and pauses past the stall limit is given up`, async () => {
        const id = `slow-${format}-${workers}-${Date.now()}`;
        const c = caller(server.port, path, id);
        assert.ok(await until(() => c.received() > 4096, 10_000), 'the answer started');
        c.socket.pause();
        assert.ok(await until(async () => (await running()) === 1, 3000), 'the read runs while the caller pauses');
        // Given up after the stall limit: the connection closed, the read gone from the database.
        assert.ok(await until(async () => (await running()) === 0, STALL_MS + 5000), 'the read still runs in the database');
        const track = await trackOf(id);
        assert.ok(track, 'tracked');
        assert.deepEqual([track.status, track.code, track.note], [408, 10047, 'caller_stalled']);
        // Backpressure: the server pulled what the connection took, not the answer.
        assert.ok(track.bytes! < 32 * 1024 * 1024, `bytes pulled: ${track.bytes}`);
        c.socket.resume();
        assert.ok(await until(c.closed, 5000), 'the server closed the connection');
        c.socket.destroy();
      });

      test(`${format}: a caller who never reads is given up the same way`, async () => {
        const id = `stopped-${format}-${workers}-${Date.now()}`;
        const c = caller(server.port, path, id);
        c.socket.pause();
        assert.ok(await until(async () => (await running()) === 1, 5000), 'the read started');
        assert.ok(await until(async () => (await running()) === 0, STALL_MS + 5000), 'the read still runs in the database');
        const track = await trackOf(id);
        assert.deepEqual([track?.status, track?.code, track?.note], [408, 10047, 'caller_stalled']);
        assert.ok(track!.bytes! < 32 * 1024 * 1024, `bytes pulled: ${track!.bytes}`);
        c.socket.destroy();
      });

      test(`${format}: a caller who leaves mid-answer has the read stopped at once`, async () => {
        const id = `left-${format}-${workers}-${Date.now()}`;
        const c = caller(server.port, path, id);
        assert.ok(await until(() => c.received() > 100_000, 10_000), 'the answer started');
        c.socket.destroy();
        assert.ok(await until(async () => (await running()) === 0, 3000), 'the read still runs in the database');
        const track = await trackOf(id);
        assert.deepEqual([track?.status, track?.code, track?.note], [499, 10031, 'caller_left']);
      });
    }

    test('afterwards every connection answers, and the answer is right', async () => {
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(async (i) => {
        const nik = `32010000000000${String(40 + i).padStart(2, '0')}`;
        const res = await fetch(`http://127.0.0.1:${server.port}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${nik}`, { headers: { 'X-API-Key': BY_NIK } });
        return (await res.json()).data?.[0]?.nik === nik;
      }));
      assert.deepEqual(answers, Array(6).fill(true));
    });
  });
}
