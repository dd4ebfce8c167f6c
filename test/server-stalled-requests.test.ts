/**
 * A real server under a flood of stalled requests: uploads that announce 100,000 bytes and send a few, uploads that
 * trickle a byte at a time, and heads sent a byte a second, on /v1, a compatible path and the admin login. /healthz
 * keeps answering throughout, and the server closes every one of them: the uploads with a 408 within the (here
 * shortened) body deadline, the heads within the runtime's own bound of about 10 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Running, startServer } from '../src/server.ts';
import { setLogLevel } from '../src/observability/log.ts';
import { openSlow, type SlowClient, stalledHead } from './support/slow-client.ts';

setLogLevel('error');

const limits = { bodyTimeoutMs: 3000, bodyGraceMs: 1000, minBodyBytesPerSecond: 1024, maxPerClient: 64 };
/** Four attacking addresses, each under its cap, so that every upload is held and must time out. */
const attackers = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
/** With a key each, so that the gateway goes on to read the body (without one, the compatible path refuses first). */
const [json, form] = ['application/json', 'application/x-www-form-urlencoded'];
const targets = [
  { path: '/v1/dukcapil/kependudukan/penduduk_by_nik', type: json, key: 'X-API-Key: k\r\n', body: '{"nik":"32' },
  { path: '/json/dukcapil/kependudukan/penduduk_by_nik', type: form, key: 'AccessKey: k\r\n', body: 'nik=32' },
  { path: '/admin/api/login', type: json, key: '', body: '{"username":"adm' },
];

test('hundreds of stalled requests: /healthz answers throughout, and every one is closed in time', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-stalled-'));
  process.env.MANTRA_ADMIN_PASSWORD = 'server-test-password-1';
  let running: Running | undefined;
  const clients: SlowClient[] = [];
  let flooding = true;
  try {
    running = await startServer({ dataDir: dir, port: 0, host: '127.0.0.1', workers: 0, limits });
    const port = running.server.port;
    const uploads: SlowClient[] = [];
    let gatewayCalls = 0;
    for (const localAddress of attackers) {
      for (let i = 0; i < 51; i++) {
        const target = targets[i % targets.length];
        // Most send a few bytes and stall; every seventeenth sends one byte every 2 s.
        const trickleMs = i % 17 === 16 ? 2000 : undefined;
        const head = stalledHead(target.path, target.type, target.key);
        uploads.push(openSlow({ port, localAddress, head, body: target.body, trickleMs }));
        if (!target.path.startsWith('/admin/')) gatewayCalls++;
      }
    }
    const heads = targets.map((target) => {
      const head = stalledHead(target.path, target.type, target.key);
      return openSlow({ port, localAddress: '127.0.0.6', head, headTrickleMs: 1000 });
    });
    clients.push(...uploads, ...heads);

    const health: number[] = [];
    const polling = (async () => {
      while (flooding) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
        health.push(res.status);
        await res.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    const everyone = Promise.all(clients.map((c) => c.closed));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      everyone.then(() => 'all closed'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('some still open after 25 s'), 25_000))),
    ]);
    clearTimeout(timer);
    flooding = false;
    await polling;
    assert.equal(outcome, 'all closed', `${clients.filter((c) => c.closedAfterMs === undefined).length} open`);

    assert.equal(uploads.length, 204);
    const late = uploads.map((c) => Math.round(c.closedAfterMs!)).filter((ms) => ms > limits.bodyTimeoutMs + 2000);
    assert.deepEqual(late, [], 'every upload closed within the deadline (and a little)');
    const statuses = new Set(uploads.map((c) => c.status()));
    assert.deepEqual([...statuses], [408], 'every upload answered 408 Request Timeout');
    for (const h of heads) assert.ok(h.closedAfterMs! < 20_000, `a trickled head closed after ${h.closedAfterMs} ms`);

    assert.ok(health.length >= 10, `/healthz polled ${health.length} times`);
    assert.deepEqual([...new Set(health)], [200], '/healthz answered every time');

    // The gateway tracked each stalled call as a body that did not arrive in time (10036), none as an internal error; no 5xx anywhere.
    await running.tracker.flush();
    const tracks = await running.store.tracks({ limit: 1000 });
    const gateway = tracks.filter((t) => t.interface !== 'admin');
    assert.equal(gateway.length, gatewayCalls);
    assert.deepEqual([...new Set(gateway.map((t) => t.code))], [10036]);
    assert.deepEqual(tracks.filter((t) => t.status >= 500), []);
  } finally {
    flooding = false;
    for (const c of clients) c.destroy();
    await running?.stop();
    delete process.env.MANTRA_ADMIN_PASSWORD;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
