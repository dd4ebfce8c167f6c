/**
 * Rate limits in Redis across nodes: two counters (two nodes) share one count, atomically under concurrent calls;
 * two apps answer 429 by the shared count; Redis lost while running (a redis-server of the test's own, killed and
 * started again): the node counts its share, logs once lost and once back, /readyz says degraded with 200 and
 * checks.redis false, and Redis counts again after it reconnects. At start an unreachable Redis, a bad URL or a
 * refused password is a clear message (Indonesian, English with MANTRA_LANG=en) and a non-zero exit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRedisCounter, type RedisCounter } from '../../src/limits/redis.ts';
import { RedisOpenError } from '../../src/limits/open-error.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { Secrets } from '../../src/security/index.ts';
import { createPool } from '../../connectors/pool.ts';
import { createApp } from '../../src/app.ts';
import { type Kind, kinds } from '../../src/model/index.ts';
import { setLogLevel } from '../../src/observability/log.ts';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { setupDukcapil } from '../support/dukcapil.ts';
import { capturedLog, type LogLine } from '../support/captured-log.ts';
import { cli, serveCli } from '../support/cli.ts';
import { dropKeys, freePort, ownRedis, redisUrl, testPrefix } from '../cluster/redis.ts';

setLogLevel('error');

const noRedis = await needService('Redis', redisUrl);
const noPg = await needService('PostgreSQL', pgUrl);
const sub = (id: string, rateLimit: number, quota = 0) => ({ id, rateLimit, quota, monthlyQuota: 0 });
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-limit-redis-'));
const waitFor = async (what: string, ok: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
};

/** A whole Mantra app (a node) over its own SQLite store, counting with `limits`, with the dukcapil operations. */
async function node(limits: RedisCounter) {
  const dataDir = tempDir();
  const store = openSqliteStore(dataDir);
  const secrets = new Secrets(Buffer.alloc(32, 7));
  const pool = createPool({ size: 0 });
  const mantra = createApp({ store, secrets, pool, dataDir, limits });
  const put = async (kind: Kind, body: unknown) => {
    const parsed = kinds[kind].schema.parse(body) as any;
    const existing = await store.get(kind, (kinds[kind].id as (e: unknown) => string)(parsed));
    return store.put(kind, parsed, existing?.version ?? 0);
  };
  const t = {
    put, secrets,
    subscribe: (key: string, agency: string, service: string, operation: string, extra: Record<string, unknown> = {}) =>
      put('subscription', { id: `s-${key.slice(0, 6)}`, consumer: `${agency}/app`, agency, service, operation, status: 'approved', keyHash: secrets.hashKey(key), ...extra }),
  };
  return {
    ...mantra, store, t,
    async close() {
      await mantra.tracker.flush();
      await pool.close();
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('rate limits in Redis across nodes', { skip: noRedis }, () => {
  const prefix = testPrefix('limit-redis');
  let a: RedisCounter, b: RedisCounter;
  before(async () => {
    [a, b] = await Promise.all([openRedisCounter(redisUrl, { prefix, timeoutMs: 5_000 }), openRedisCounter(redisUrl, { prefix, timeoutMs: 5_000 })]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropKeys(prefix);
  });

  test('two nodes, 300 calls at once: exactly the limit goes through, the others are refused and use up nothing', async () => {
    const s = sub('atomic', 50, 80);
    const at = Date.now();
    const verdicts = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).take(s, at)));
    assert.equal(verdicts.filter((v) => v === undefined).length, 50);
    assert.ok(verdicts.every((v) => v === undefined || (v.limit === 'rate' && v.ms > 0 && v.ms <= 1200)));
    assert.deepEqual([a.decided().local, b.decided().local], [0, 0], 'Redis decided every call');
    // The day counted the 50 that went through, not the 250 refusals: 30 more fit in the daily quota of 80.
    const later = at + 60_000;
    const more = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take(s, later)));
    assert.equal(more.filter((v) => v === undefined).length, 30);
    assert.deepEqual(new Set(more.filter(Boolean).map((v) => v!.limit)), new Set(['day']));
  });

  describe('through two apps', { skip: noPg }, () => {
    let one: Awaited<ReturnType<typeof node>>, two: Awaited<ReturnType<typeof node>>;
    const tag = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
    before(async () => {
      const db = await loadPendudukPg();
      [one, two] = [await node(a), await node(b)];
      for (const n of [one, two]) {
        await setupDukcapil(n.t as unknown as Parameters<typeof setupDukcapil>[0], db);
        await n.t.subscribe(`rediskey-${tag}`, 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: `lim-redis-${tag}`, rateLimit: 4 });
      }
    });
    after(async () => {
      await one?.close();
      await two?.close();
    });

    test('a rate of 4 a minute holds across both: the fifth call, on either, is 429 with Retry-After 15', async () => {
      const call = (n: typeof one) => n.fetch(new Request('http://mantra.test/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042', {
        headers: { AccessKey: `rediskey-${tag}` },
      }), { requestId: crypto.randomUUID(), remoteAddress: '127.0.0.1' } as any);
      const statuses = [];
      for (const n of [one, two, one, two]) statuses.push((await call(n)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200]);
      const refused = await call(one);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '15');
      assert.equal((await refused.json()).code, 10024);
      assert.equal((await call(two)).status, 429);
      const ready = await (await one.app.request('/readyz')).json();
      assert.deepEqual([ready.status, ready.checks.redis], ['ready', true]);
    });
  });
});

describe('Redis lost while running, and back', { skip: noRedis }, () => {
  test('the node counts its share, says so once in the log and in /readyz (degraded, 200), and counts in Redis again once back', async () => {
    const port = await freePort();
    let server = await ownRedis(port);
    let counter: RedisCounter | undefined;
    let app: Awaited<ReturnType<typeof node>> | undefined;
    const lines: LogLine[] = await capturedLog(async () => {
      try {
        counter = await openRedisCounter(server.url, { nodes: () => 2, timeoutMs: 2_000 });
        app = await node(counter);
        const s = sub('lost', 10);
        let at = Date.now();
        assert.equal(await counter.take(s, at), undefined);
        assert.equal(counter.decided().redis, 1);

        await server.stop();
        await waitFor('the counter to see Redis gone', () => !counter!.health());
        const ready = await app.app.request('/readyz');
        assert.equal(ready.status, 200, 'the node still serves');
        assert.deepEqual(await ready.json(), { status: 'degraded', checks: { store: true, workers: true, redis: false } });
        // Its share of 10 a minute with 2 live nodes is 5, counted from the moment Redis went away.
        const share = [];
        for (let i = 0; i < 6; i++) share.push(await counter.take(s, at));
        assert.deepEqual(share.map((v) => v?.limit ?? 'ok'), ['ok', 'ok', 'ok', 'ok', 'ok', 'rate']);
        assert.equal(share[5]!.ms, 12_000, 'a token of the share comes back every 12 s');
        assert.equal(counter.decided().local, 6);

        server = await ownRedis(port);
        await waitFor('the counter to reconnect', () => counter!.health(), 15_000);
        const back = await (await app.app.request('/readyz')).json();
        assert.deepEqual([back.status, back.checks.redis], ['ready', true]);
        at += 1;
        assert.equal(await counter.take(s, at), undefined, 'the new Redis holds a fresh bucket');
        assert.equal(counter.decided().redis, 2);
      } finally {
        await app?.close();
        await counter?.close();
        await server.stop();
      }
    });
    const redisLines = lines.filter((l) => /^redis /.test(l.msg));
    assert.deepEqual(redisLines.map((l) => [l.level, l.msg.split(':')[0]]), [['warn', 'redis lost'], ['info', 'redis back']], JSON.stringify(redisLines));
    assert.ok(!JSON.stringify(lines).includes(String(port)), 'no address in the log');
  });
});

describe('Redis at start', { skip: noRedis }, () => {
  test('unreachable: openRedisCounter throws RedisOpenError with the cause code, never the address', async () => {
    const port = await freePort();
    const err = await openRedisCounter(`redis://user:s3cret@127.0.0.1:${port}`).then(() => undefined, (e) => e);
    assert.ok(err instanceof RedisOpenError);
    assert.equal(err.text('en'), 'Redis (--redis) cannot be reached (ECONNREFUSED); rate limits and quotas across nodes need it: start Redis or leave out --redis');
    assert.doesNotMatch(err.text('id') + err.message, new RegExp(`${port}|s3cret|127\\.0\\.0\\.1`));
  });

  test('a password Redis refuses is named as such', async () => {
    const server = await ownRedis(await freePort(), ['--requirepass', 'the-right-one']);
    try {
      const err = await openRedisCounter(server.url.replace('//', '//:a-wrong-one@')).then(() => undefined, (e) => e);
      assert.ok(err instanceof RedisOpenError);
      assert.equal(err.problem, 'auth');
      const ok = await openRedisCounter(server.url.replace('//', '//:the-right-one@'));
      assert.equal(ok.health(), true);
      await ok.close();
    } finally {
      await server.stop();
    }
  });

  test('mantra serve --redis: unreachable or not a redis:// URL is a clear message and exit 1; reachable, /readyz shows it', async () => {
    const port = await freePort();
    const dir = tempDir();
    try {
      const id = cli(['serve', '--data', dir, '--port', '0', '--workers', '0', '--redis', `redis://127.0.0.1:${port}`]);
      assert.equal(id.code, 1, id.stderr);
      assert.equal(id.stderr.trim(), 'mantra: Redis (--redis) tidak dapat dihubungi (ECONNREFUSED); batas laju dan kuota lintas node memerlukannya: jalankan Redis atau hilangkan --redis');
      const en = cli(['serve', '--data', dir, '--port', '0', '--workers', '0'], { env: { MANTRA_LANG: 'en', MANTRA_REDIS: `redis://127.0.0.1:${port}` } });
      assert.equal(en.code, 1);
      assert.match(en.stderr, /^mantra: Redis \(--redis\) cannot be reached \(ECONNREFUSED\)/);
      const bad = cli(['serve', '--data', dir, '--port', '0', '--workers', '0', '--redis', 'http://127.0.0.1:6379'], { env: { MANTRA_LANG: 'en' } });
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr.trim(), 'mantra: --redis (MANTRA_REDIS) must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');

      const server = serveCli(['--data', dir, '--port', '0', '--workers', '0', '--redis', redisUrl], { MANTRA_ADMIN_PASSWORD: 'a-long-password-123' });
      try {
        const base = await server.ready;
        const ready = await (await fetch(`${base}/readyz`)).json();
        assert.deepEqual(ready, { status: 'ready', checks: { store: true, workers: true, redis: true } });
      } finally {
        await server.kill();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
