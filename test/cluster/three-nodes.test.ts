/**
 * Three Mantra nodes on loopback behind Debian's nginx, sharing the machine's PostgreSQL (a fresh database of this
 * test's own, `--store postgres://…`) and Redis (`--redis`), each with its own data directory and the same master
 * key. Shown: (1) a change made through node A's admin API is served by node C within a second (measured, printed);
 * (2) a global rate limit of 600 a minute holds within 5% across the three nodes through nginx; (3) one node killed
 * (SIGKILL) under load: nginx keeps serving, and once the node is started again every call answered 200 has its
 * track; (4) `mantra audit verify --store …` passes afterwards. The figures are printed as `cluster: …` lines.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inCI, needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { spawnSync } from 'node:child_process';
import { cli, runtimeArgs, serveCli } from '../support/cli.ts';
import { dropKeys, freePort, keysOf, redisUrl } from './redis.ts';
import { type Nginx, nginxBin, startNginx } from './nginx.ts';

const noPg = await needService('PostgreSQL', pgUrl);
const noRedis = await needService('Redis', redisUrl);
const noNginx = nginxBin ? undefined : inCI ? (() => { throw new Error('nginx is required under CI (nginx-light)'); })() : 'SKIPPED: nginx not installed';
if (noNginx) console.warn(`\n*** ${noNginx} ***\n`);
const skip = noPg ?? noRedis ?? noNginx;

const tag = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
const database = `mantra_cluster_${tag}`;
const storeUrl = (() => {
  const u = new URL(pgUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();
const env = {
  MANTRA_MASTER_KEY: randomBytes(32).toString('base64'),
  MANTRA_ADMIN_PASSWORD: 'cluster-admin-password-1',
  MANTRA_LOG_LEVEL: 'warn',
};
const NIK = '3201000000000042';
const main = new URL('../../src/main.ts', import.meta.url).pathname;
const PASSWORD = env.MANTRA_ADMIN_PASSWORD;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const figures: string[] = [];
const figure = (line: string) => {
  figures.push(line);
  console.log(`cluster: ${line}`);
};

interface Node {
  name: string;
  dir: string;
  port: number;
  base: string;
  server: ReturnType<typeof serveCli>;
}

/** One call's outcome as the client saw it through nginx. */
interface Seen {
  status: number;
  requestId: string | null;
  upstream: string | null;
}

describe('three nodes behind nginx, one PostgreSQL store, one Redis', { skip }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-cluster-'));
  const nodes: Node[] = [];
  let nginx: Nginx;
  let token = '';
  let admin: postgres.Sql;

  function start(name: string, dir: string, port: number): Node {
    const server = serveCli(['--data', dir, '--port', String(port), '--workers', '0', '--store', storeUrl, '--redis', redisUrl], env);
    return { name, dir, port, base: `http://127.0.0.1:${port}`, server };
  }

  async function api(method: string, url: string, json?: unknown, node = nodes[0]) {
    const res = await fetch(`${node.base}/admin/api${url}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url} on ${node.name}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** A subscription with `key`, made through node A's admin API; its id (the Redis keys are named by it). */
  const subscriptions: string[] = [];
  async function subscribe(key: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { id } = await api('POST', '/subscriptions', {
      key, consumer: 'dukcapil/app', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik', status: 'approved', ...extra,
    });
    subscriptions.push(id);
    return id;
  }

  /** A REST v1 call with `key` at `base`, with a request id of the client's own; status 0 = no answer at all. */
  async function call(base: string, key: string): Promise<Seen> {
    const requestId = `c3-${tag}-${randomBytes(6).toString('hex')}`;
    try {
      const res = await fetch(`${base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, { headers: { AccessKey: key, 'X-Request-Id': requestId } });
      const body = await res.text();
      if (res.status === 200) assert.equal(JSON.parse(body).data[0].nik, NIK);
      return { status: res.status, requestId: res.headers.get('x-request-id'), upstream: res.headers.get('x-upstream') };
    } catch {
      return { status: 0, requestId: null, upstream: null };
    }
  }

  /** Calls `fn` from `workers` loops until `ms` have passed; every outcome, in order of answer. */
  async function load(workers: number, ms: number, fn: () => Promise<Seen>, during?: (elapsed: () => number) => Promise<void>) {
    const seen: Seen[] = [];
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const loops = Array.from({ length: workers }, async () => {
      while (elapsed() < ms) seen.push(await fn());
    });
    await Promise.all([...loops, during?.(elapsed)]);
    return { seen, ms: elapsed() };
  }

  before(async () => {
    admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${database}`);
    const db = new URL(await loadPendudukPg());
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const name of ['A', 'B', 'C']) fs.mkdirSync(path.join(root, name));
    // A makes the schema and the first administrator; then B and C start together.
    nodes.push(start('A', path.join(root, 'A'), ports[0]));
    await nodes[0].server.ready;
    nodes.push(start('B', path.join(root, 'B'), ports[1]), start('C', path.join(root, 'C'), ports[2]));
    await Promise.all(nodes.map((n) => n.server.ready));
    nginx = await startNginx(path.join(root, 'nginx'), await freePort(), nodes.map((n) => `127.0.0.1:${n.port}`));
    const login = await fetch(`${nodes[0].base}/admin/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    token = (await login.json()).token;
    await api('POST', '/agencies', { slug: 'dukcapil', name: 'Dukcapil' });
    await api('POST', '/connectors', {
      agency: 'dukcapil', slug: 'pg', kind: 'postgres', host: db.hostname, port: Number(db.port), database: db.pathname.slice(1),
      user: decodeURIComponent(db.username), password: decodeURIComponent(db.password),
    });
    await api('POST', '/services', { agency: 'dukcapil', slug: 'kependudukan', name: 'Kependudukan' });
    await api('POST', '/operations', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_by_nik', kind: 'data', params: [{ name: 'nik' }],
      data: { form: 'table', connector: 'pg', table: 'penduduk', columns: ['nik', 'nama'], conditions: [{ column: 'nik', op: '=', param: 'nik' }] },
    });
    await api('POST', '/consumers', { agency: 'dukcapil', slug: 'app', name: 'App' });
  });

  after(async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.server.kill()));
    for (const id of subscriptions) await dropKeys(`mantra:limit:{${id}}:`);
    await admin?.unsafe(`drop database if exists ${database} with (force)`).catch(() => {});
    await admin?.end();
    fs.rmSync(root, { recursive: true, force: true });
    if (figures.length) console.log(`\ncluster figures:\n  ${figures.join('\n  ')}\n`);
  });

  test('(1) a subscription created through node A\'s admin API is served by node C within a second', async () => {
    const delays: number[] = [];
    for (let round = 0; round < 5; round++) {
      const key = `c3key${tag}${round}`.padEnd(32, 'x');
      const before = await call(nodes[2].base, key);
      assert.equal(before.status, 403, 'C refuses the key before it exists');
      await subscribe(key);
      const changed = performance.now();
      let seen: Seen;
      do seen = await call(nodes[2].base, key);
      while (seen.status !== 200 && performance.now() - changed < 5_000);
      const delay = performance.now() - changed;
      assert.equal(seen.status, 200, `C never served the new subscription (${seen.status})`);
      delays.push(delay);
    }
    const sorted = [...delays].sort((a, b) => a - b);
    figure(`a change on A served by C after ${sorted.map((d) => d.toFixed(0)).join(', ')} ms (5 rounds; max ${sorted[4].toFixed(0)} ms)`);
    assert.ok(sorted[4] < 1_000, `the slowest change took ${sorted[4].toFixed(0)} ms`);
  });

  test('(2) a rate limit of 600 a minute holds within 5% across the three nodes through nginx', async () => {
    const key = `c3rate${tag}`.padEnd(32, 'r');
    const id = await subscribe(key, { rateLimit: 600 });
    // Every node serves the subscription before the clock starts; a second later the bucket is full again.
    for (const n of nodes) for (let i = 0; (await call(n.base, key)).status !== 200 && i < 100; i++) await sleep(20);
    await sleep(1_000);
    const { seen, ms } = await load(12, 12_000, () => call(nginx.base, key));
    const ok = seen.filter((s) => s.status === 200).length;
    const refused = seen.filter((s) => s.status === 429).length;
    const other = seen.filter((s) => s.status !== 200 && s.status !== 429);
    const upstreams = new Set(seen.filter((s) => s.status === 200).map((s) => s.upstream));
    // A full bucket of 600, then 10 a second: the limit allows 600 + 10 per second of the run.
    const allowed = 600 + (10 * ms) / 1000;
    figure(`rate 600/min over ${(ms / 1000).toFixed(1)} s: ${ok} answered, ${refused} refused (429), allowed ${allowed.toFixed(0)}: ${((ok / allowed - 1) * 100).toFixed(1)}%; answered by ${upstreams.size} nodes`);
    assert.deepEqual(other.map((s) => s.status), [], 'nothing but answers and rate refusals');
    assert.ok(Math.abs(ok - allowed) <= allowed * 0.05, `${ok} answered, ${allowed.toFixed(0)} allowed`);
    assert.equal(upstreams.size, 3, 'nginx spread the calls over the three nodes');
    assert.ok(refused > ok, 'the load was well above the limit');
    assert.deepEqual((await keysOf(`mantra:limit:{${id}}:`)).map((k) => k.split(':')[3]).sort(), ['day', 'month', 'rate'], 'counted in Redis');
  });

  /** The calls answered 200 during (3), and when its load began. */
  let answered: Seen[] = [];
  let from = '';

  test('(3) a node killed (SIGKILL) under load: nginx keeps serving every call through the other two; the node starts again', async () => {
    const key = `c3load${tag}`.padEnd(32, 'l');
    await subscribe(key);
    for (const n of nodes) for (let i = 0; (await call(n.base, key)).status !== 200 && i < 100; i++) await sleep(20);
    const victim = nodes[1];
    from = new Date(Date.now() - 1_000).toISOString();
    let killedAt = 0;
    const { seen, ms } = await load(8, 9_000, () => call(nginx.base, key), async (elapsed) => {
      while (elapsed() < 3_000) await sleep(50);
      await victim.server.kill('SIGKILL');
      killedAt = elapsed();
    });
    answered = seen.filter((s) => s.status === 200);
    const failed = seen.filter((s) => s.status !== 200);
    const byVictim = answered.filter((s) => s.upstream?.split(', ').pop() === `127.0.0.1:${victim.port}`).length;
    figure(`load: ${seen.length} calls in ${(ms / 1000).toFixed(1)} s, node B killed at ${(killedAt / 1000).toFixed(1)} s; ${answered.length} answered 200 (${byVictim} by B), ${failed.length} not`);
    assert.deepEqual(failed.map((s) => s.status), [], 'nginx answered every call through the other nodes');
    assert.ok(byVictim > 0, 'B served part of the load before it was killed');

    // B again, on its data directory: it takes over the track log it left.
    nodes[1] = start('B', victim.dir, victim.port);
    await nodes[1].server.ready;
  });

  test('(3) … and every call answered 200 has its track in the trail, the killed node\'s included', async () => {
    assert.ok(answered.length > 0, 'the load of (3) ran');
    const want = new Set(answered.map((s) => s.requestId!));
    const started = performance.now();
    let missing: string[] = [...want];
    while (missing.length && performance.now() - started < 30_000) {
      await sleep(500);
      // The trail as an administrator exports it: every node's chain.
      const r = spawnSync(process.execPath, [...runtimeArgs, main, 'audit', 'export', '--store', storeUrl, '--data', nodes[0].dir,
        '--format', 'ndjson', '--status', '200', '--from', from], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28, timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      const tracks = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((t) => t.type === 'track');
      const ids = new Set(tracks.filter((t) => t.status === 200).map((t) => t.requestId));
      missing = [...want].filter((id) => !ids.has(id));
    }
    figure(`all ${want.size} answered calls found in the trail ${((performance.now() - started) / 1000).toFixed(1)} s after B was back; missing ${missing.length}`);
    assert.deepEqual(missing, []);
  });

  test('(4) mantra audit verify --store passes afterwards', async () => {
    const r = cli(['audit', 'verify', '--store', storeUrl, '--data', nodes[0].dir], { env });
    figure(`audit verify: exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n').join(' / ')}`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
