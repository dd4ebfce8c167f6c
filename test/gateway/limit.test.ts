/**
 * The limit stage: rate (token bucket), daily and monthly quotas per subscription, each refusal's code and its
 * Retry-After in seconds; a refused call uses up nothing. The same cases run against both counters (src/limits):
 * in memory, and in the machine's Redis (a key prefix of the test's own, removed after). Then a node's share without
 * Redis, and the same through the app: 429 with Retry-After on v1, the envelope with MANTRA's code on the compatible
 * path, and a track for each.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { limit } from '../../src/gateway/stages/limit.ts';
import { GatewayError } from '../../src/gateway/errors.ts';
import { Subscription } from '../../src/model/subscription.ts';
import type { CallContext } from '../../src/gateway/types.ts';
import { type Counter, memoryCounter } from '../../src/limits/index.ts';
import { openRedisCounter, type RedisCounter } from '../../src/limits/redis.ts';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { setupDukcapil } from '../support/dukcapil.ts';
import { dropKeys, redisUrl, testPrefix } from '../cluster/redis.ts';

const sub = (id: string, fields: Record<string, number>) => Subscription.parse({
  id, consumer: 'bank/app', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik', status: 'approved', keyHash: 'h', ...fields,
});

/** A limit stage over `counter` on a clock the test moves; `call` answers 'ok' or the refusal's key and Retry-After. */
function limited(counter: Counter, start: Date) {
  let now = start.getTime();
  const check = limit(counter, () => now);
  return {
    advance: (ms: number) => void (now += ms),
    async call(s: Subscription): Promise<string> {
      try {
        await check({ subscription: s } as CallContext);
        return 'ok';
      } catch (err) {
        assert.ok(err instanceof GatewayError);
        return `${err.key} ${err.vars.retryAfter}`;
      }
    },
  };
}

/** The stage's cases, for a counter made fresh by `counter()` (each case uses subscriptions of its own). */
function cases(name: string, counter: () => Counter, opts: { skip?: string } = {}) {
  describe(`limit stage, ${name}`, opts, () => {
    test('rate: a minute\'s worth at once, then a token per 60/rate seconds; Retry-After until the next token', async () => {
      const l = limited(counter(), new Date(2026, 5, 10, 12, 0, 0));
      const s = sub('rate', { rateLimit: 2 });
      assert.deepEqual([await l.call(s), await l.call(s), await l.call(s)], ['ok', 'ok', 'rate_limited 30']);
      l.advance(10_000);
      assert.equal(await l.call(s), 'rate_limited 20', 'a third of a token back after 10 s: 20 s to go');
      l.advance(20_000);
      assert.deepEqual([await l.call(s), await l.call(s)], ['ok', 'rate_limited 30']);
      const fast = sub('fast', { rateLimit: 600 });
      const answers = [];
      for (let i = 0; i < 600; i++) answers.push(await l.call(fast));
      assert.deepEqual(new Set(answers), new Set(['ok']));
      assert.equal(await l.call(fast), 'rate_limited 1', 'never less than one second');
    });

    test('daily quota: refused until midnight, Retry-After the seconds to it; a new day starts afresh', async () => {
      const l = limited(counter(), new Date(2026, 5, 10, 23, 59, 30));
      const s = sub('daily', { quota: 2 });
      assert.deepEqual([await l.call(s), await l.call(s), await l.call(s)], ['ok', 'ok', 'quota_exceeded 30']);
      l.advance(29_500);
      assert.equal(await l.call(s), 'quota_exceeded 1');
      l.advance(500);
      assert.deepEqual([await l.call(s), await l.call(s), await l.call(s)], ['ok', 'ok', 'quota_exceeded 86400']);
    });

    test('monthly quota: refused until the month turns, and named before the daily one', async () => {
      const c = counter();
      const l = limited(c, new Date(2026, 0, 31, 23, 0, 0));
      const s = sub('monthly', { monthlyQuota: 2, quota: 2 });
      assert.deepEqual([await l.call(s), await l.call(s), await l.call(s)], ['ok', 'ok', 'quota_monthly 3600']);
      l.advance(3_600_000);
      assert.equal(await l.call(s), 'ok', 'February');
      const mid = limited(c, new Date(2026, 1, 1, 0, 0, 0));
      const m = sub('monthly2', { monthlyQuota: 1 });
      assert.deepEqual([await mid.call(m), await mid.call(m)], ['ok', `quota_monthly ${28 * 86400}`]);
    });

    test('a refused call uses up nothing: neither quota counts a refusal, nor does the bucket lose a token', async () => {
      const l = limited(counter(), new Date(2026, 5, 10, 12, 0, 0));
      const s = sub('none-used', { monthlyQuota: 2, quota: 1 });
      assert.deepEqual([await l.call(s), await l.call(s), await l.call(s)], ['ok', 'quota_exceeded 43200', 'quota_exceeded 43200']);
      l.advance(86_400_000);
      assert.equal(await l.call(s), 'ok', 'the daily refusals did not count against the month');
      const r = sub('rate-then-quota', { rateLimit: 1, quota: 2 });
      assert.deepEqual([await l.call(r), await l.call(r)], ['ok', 'rate_limited 60']);
      l.advance(60_000);
      assert.equal(await l.call(r), 'ok', 'the rate refusal did not count against the day');
      l.advance(60_000);
      assert.equal(await l.call(r), 'quota_exceeded 43080');
    });

    test('a subscription without limits passes, always, and costs no promise', async () => {
      const l = limited(counter(), new Date());
      const s = sub('free', {});
      for (let i = 0; i < 1000; i++) assert.equal(await l.call(s), 'ok');
      assert.equal(limit(counter())({ subscription: s } as CallContext), undefined);
    });
  });
}

cases('in memory', () => memoryCounter());
test('in memory the stage answers at once: no promise per call', () => {
  const check = limit(memoryCounter());
  assert.equal(check({ subscription: sub('sync', { rateLimit: 5 }) } as CallContext), undefined);
});

const noRedis = await needService('Redis', redisUrl);
// A prefix of this run's own: the cases' subscription ids repeat from case to case and from run to run.
const prefix = testPrefix('limit');
let redis: RedisCounter | undefined;
before(async () => {
  if (!noRedis) redis = await openRedisCounter(redisUrl, { prefix, timeoutMs: 5_000 });
});
after(async () => {
  await redis?.close();
  if (!noRedis) await dropKeys(prefix);
});
let round = 0;
/** The shared Redis counter under a fresh sub-prefix per case: separate counts, one connection. */
cases('in Redis', () => {
  const inner = redis!;
  const own = `r${++round}-`;
  return { take: (s, at) => inner.take({ ...s, id: `${own}${s.id}` }, at) };
}, { skip: noRedis });
describe('limit stage, in Redis: Redis decided', { skip: noRedis }, () => {
  test('every call of the cases above was decided by the script, none by the fallback; the counts are keys under the prefix', async () => {
    const { redis: inRedis, local } = redis!.decided();
    assert.equal(local, 0);
    assert.ok(inRedis > 600, `${inRedis} calls decided in Redis`);
    const { Redis } = await import('ioredis');
    const client = new Redis(redisUrl);
    try {
      // Round 1 is the rate case: 'fast' let 600 calls through, and its day's count says so.
      const [day] = await client.keys(`${prefix}{r1-fast}:day:*`);
      assert.equal(await client.get(day), '600');
      assert.ok(Number(await client.pttl(day)) > 0, 'the count expires by itself');
      assert.ok(Number(await client.pttl(`${prefix}{r1-fast}:rate`)) <= 61_000);
    } finally {
      client.disconnect();
    }
  });
});

describe('a node\'s share without Redis', () => {
  test('each of N live nodes allows ceil(limit / N) of every limit, with Retry-After by its share of the rate', async () => {
    let nodes = 3;
    const l = limited(memoryCounter({ nodes: () => nodes }), new Date(2026, 5, 10, 12, 0, 0));
    const s = sub('share', { rateLimit: 10 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await l.call(s));
    assert.deepEqual(answers, ['ok', 'ok', 'ok', 'ok', 'rate_limited 15'], 'ceil(10 / 3) = 4 a minute here, a token every 15 s');
    const d = sub('share-day', { quota: 5 });
    nodes = 2;
    assert.deepEqual([await l.call(d), await l.call(d), await l.call(d), await l.call(d)].map((a) => a.split(' ')[0]), ['ok', 'ok', 'ok', 'quota_exceeded']);
    nodes = 1;
    assert.deepEqual([await l.call(d), await l.call(d), await l.call(d)].map((a) => a.split(' ')[0]), ['ok', 'ok', 'quota_exceeded'], 'alone again: the whole quota');
  });
});

const skip = await needService('PostgreSQL', pgUrl);

describe('limits through the app', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n = 0;
  const v1 = '/v1/dukcapil/kependudukan/penduduk_by_nik?nik=3201000000000042';
  const compat = '/json/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042';

  async function call(path: string, key: string) {
    const requestId = `limit-${++n}`;
    const res = await t.app.fetch(new Request(`http://mantra.test${path}`, { headers: { AccessKey: key } }), { requestId, remoteAddress: '127.0.0.1' });
    const body = await res.text();
    await t.tracker.flush();
    const track = (await t.store.tracks({ limit: 100_000 })).find((r) => r.requestId === requestId)!;
    return { res, body, track };
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    await t.subscribe('ratekey-000000', 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: 'lim-rate', rateLimit: 2 });
    await t.subscribe('daykey-0000000', 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: 'lim-day', quota: 1 });
    await t.subscribe('monthkey-00000', 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: 'lim-month', monthlyQuota: 1 });
  });
  after(() => t?.close());

  test('rate: v1 answers 429 with Retry-After and problem details 10024; the compatible path the envelope; both tracked', async () => {
    assert.equal((await call(v1, 'ratekey-000000')).res.status, 200);
    assert.equal((await call(v1, 'ratekey-000000')).res.status, 200);
    const { res, body, track } = await call(v1, 'ratekey-000000');
    assert.equal(res.status, 429);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry >= 29 && retry <= 30, `Retry-After ${retry}`);
    assert.equal(JSON.parse(body).code, 10024);
    assert.match(JSON.parse(body).detail, /coba lagi dalam (29|30) detik/);
    assert.deepEqual([track.status, track.code, track.subscription], [429, 10024, 'lim-rate']);
    const c = await call(compat, 'ratekey-000000');
    assert.equal(c.res.status, 200);
    const envelope = JSON.parse(c.body).response;
    assert.deepEqual([envelope.status, envelope.code, envelope.data], [0, 10024, '']);
    assert.match(envelope.message, /^Batas jumlah permintaan terlampaui, coba lagi dalam \d+ detik$/);
    assert.deepEqual([c.track.status, c.track.code, c.track.interface], [429, 10024, 'compat']);
  });

  test('daily quota: 10025 with the seconds to midnight', async () => {
    assert.equal((await call(v1, 'daykey-0000000')).res.status, 200);
    const { res, body, track } = await call(v1, 'daykey-0000000');
    assert.equal(res.status, 429);
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
    const expected = Math.ceil((midnight - now.getTime()) / 1000);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry <= expected && retry >= expected - 5, `Retry-After ${retry}, about ${expected}`);
    assert.equal(JSON.parse(body).code, 10025);
    assert.equal(track.code, 10025);
    const c = await call(compat, 'daykey-0000000');
    assert.equal(JSON.parse(c.body).response.code, 10025);
    assert.match(JSON.parse(c.body).response.message, /^Kuota harian langganan telah habis/);
  });

  test('monthly quota: 10035 with the seconds to the next month', async () => {
    assert.equal((await call(compat, 'monthkey-00000')).res.status, 200);
    const c = await call(compat, 'monthkey-00000');
    assert.equal(JSON.parse(c.body).response.code, 10035);
    assert.match(JSON.parse(c.body).response.message, /^Kuota bulanan langganan telah habis, coba lagi dalam \d+ detik$/);
    assert.deepEqual([c.track.status, c.track.code], [429, 10035]);
    const { res } = await call(v1, 'monthkey-00000');
    const now = new Date();
    const expected = Math.ceil((new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime() - now.getTime()) / 1000);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry <= expected && retry >= expected - 5, `Retry-After ${retry}, about ${expected}`);
  });
});
