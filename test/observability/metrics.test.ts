/**
 * GET /metrics: Prometheus' text format as promtool (Debian's prometheus package) accepts it, with calls and
 * latency per operation, the trail's last entry and checkpoint; only for this machine or the configured token.
 * Every answer says its timing (Server-Timing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { testApp } from '../support/app.ts';
import { needTool, runs } from '../support/tools.ts';
import { metricsRoute } from '../../src/observability/metrics-route.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { Hono } from 'hono';
import { withRequestId } from '../../src/app-env.ts';

const promtool = needTool('promtool (apt install prometheus)', () => runs('promtool', ['--version']));

describe('/metrics', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp({ workers: 0 });
    const file = path.join(t.dir, 'm.db');
    const db = new DatabaseSync(file);
    db.exec(`create table t (k text, v text); insert into t values ('a', 'satu');`);
    db.close();
    await t.put('agency', { slug: 'pemda', name: 'Pemda' });
    await t.put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await t.put('service', { agency: 'pemda', slug: 'umum' });
    await t.put('operation', {
      agency: 'pemda', service: 'umum', slug: 'nilai', kind: 'data', params: [{ name: 'k' }],
      data: { form: 'sql', connector: 'db', sql: 'select v from t where k = :k' },
    });
    await t.subscribe('metrics-key-1', 'pemda', 'umum', 'nilai');
  });
  after(() => t?.close());

  test('calls per operation and code, latency histograms, the trail: accepted by promtool', { skip: promtool }, async () => {
    for (let i = 0; i < 3; i++) await t.app.request('/v1/pemda/umum/nilai?k=a', { headers: { 'X-API-Key': 'metrics-key-1' } });
    await t.app.request('/v1/pemda/umum/nilai?k=a', { headers: { 'X-API-Key': 'wrong' } });
    await t.app.request('/v1/made/up/path', { headers: { 'X-API-Key': 'metrics-key-1' } });
    await t.tracker.flush();
    await t.store.checkpoint();
    const res = await t.app.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const labels = 'interface="v1",agency="pemda",service="umum",operation="nilai"';
    assert.ok(text.includes(`mantra_calls_total{${labels},code="200"} 3`), text);
    assert.ok(text.includes(`mantra_calls_total{${labels},code="10002"} 1`));
    assert.ok(text.includes(`mantra_call_duration_seconds_count{${labels}} 4`));
    assert.ok(text.includes('mantra_calls_total{interface="v1",agency="",service="",operation="",code="10002"} 1'), 'a made-up path adds no labels of its own');
    assert.match(text, /^mantra_trail_last_seq \d+$/m);
    assert.match(text, /^mantra_trail_checkpoint_seq \d+$/m);
    assert.match(text, /^process_resident_memory_bytes \d+$/m);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
  });

  test('only for this machine, or with the token', async () => {
    const app = new Hono().get('/metrics', metricsRoute(new Metrics(), t.store));
    const ask = (remoteAddress: string, headers: Record<string, string> = {}) => app.fetch(new Request('http://m.test/metrics', { headers }), { remoteAddress });
    assert.equal((await ask('127.0.0.1')).status, 200);
    assert.equal((await ask('::1')).status, 200);
    assert.equal((await ask('192.0.2.1')).status, 403);
    const guarded = new Hono().get('/metrics', metricsRoute(new Metrics(), t.store, 's3cret-token'));
    const ask2 = (headers: Record<string, string>) => guarded.fetch(new Request('http://m.test/metrics', { headers }), { remoteAddress: '192.0.2.1' });
    assert.equal((await ask2({})).status, 403);
    assert.equal((await ask2({ authorization: 'Bearer s3cret-token' })).status, 200);
  });

  test('every answer carries X-Request-Id and Server-Timing', async () => {
    const serve = withRequestId((req, env) => t.fetch(req, env));
    for (const url of ['/healthz', '/catalogue', '/v1/pemda/umum/nilai?k=a']) {
      const res = await serve(new Request(`http://m.test${url}`, { headers: { 'X-API-Key': 'metrics-key-1', 'X-Request-Id': 'rid-1' } }), { remoteAddress: '127.0.0.1' });
      assert.equal(res.headers.get('x-request-id'), 'rid-1', url);
      assert.match(res.headers.get('server-timing') ?? '', /^total;dur=[\d.]+/, url);
    }
  });
});
