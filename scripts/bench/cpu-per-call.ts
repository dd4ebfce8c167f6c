/**
 * CPU time per call without HTTP: the benchmark configuration in a temp data dir, the app called in-process
 * (app.fetch behind the server's own request-id wrapper) by 32 concurrent loops, process.cpuUsage() around
 * the measured calls (the whole process: the store's writer thread included). Steadier than wrk on 2 cores for comparing two versions of the code; not a throughput figure.
 *
 *   bun scripts/bench/cpu-per-call.ts [case ...]
 * Cases: proxy, proxy-compat, pg, pg-compat, list-compat (100 rows), my, my-compat (MariaDB), composite (three steps
 * against instant backends); and without Mantra: pg-raw, list-raw (postgres.js alone), my-raw (mysql2 alone), relay (Mantra's HTTP/1.1 client alone, as the bench backend's /relay-http1), fanout-raw
 * (that client's three concurrent calls, merged: the composite's backend work alone).
 * Env: BENCH_CALLS (default 20000), BENCH_ROUNDS (default 1; the lowest of the rounds is printed), BENCH_TRACKS=0 to switch tracks off, BENCH_WORKERS (default 0).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { configure, AGENCY, SERVICE } from './mantra.ts';
import { pendudukMysql, pendudukPg } from './databases.ts';
import mysql from 'mysql2/promise';
import { SAMPLE_NIK } from './measure.ts';
import { startBackend } from './endpoints.ts';
import { pinning } from './processes.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { loadMasterKey, Secrets } from '../../src/security/index.ts';
import { createPool } from '../../connectors/pool.ts';
import { createApp } from '../../src/app.ts';
import { withRequestId } from '../../src/app-env.ts';
import { setLogLevel } from '../../src/observability/log.ts';
import { Http1Client } from '../../connectors/proxy/http1/client.ts';
import { route } from '../../connectors/proxy/http1/target.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const NIK = SAMPLE_NIK;

setLogLevel('error');
const cases = process.argv.slice(2).length ? process.argv.slice(2) : ['proxy', 'pg', 'pg-compat', 'pg-raw'];
const pgUrl = await pendudukPg();
const myUrl = await pendudukMysql();
// The backend runs on the load CPU; this process on the server CPU.
const backend = await startBackend(pinning.load);
if (pinning.enabled) spawnSync('taskset', ['-a', '-p', '-c', pinning.server, String(process.pid)], { stdio: 'ignore' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-cpu-'));
const key = 'cpu-per-call-key-0123456789';
await configure(dir, { pgUrl, mysqlUrl: myUrl, backend: backend.base, tracks: process.env.BENCH_TRACKS !== '0' }, key);
const store = openSqliteStore(dir);
const writer = store.startWriter?.();
const pool = createPool({ size: Number(process.env.BENCH_WORKERS ?? 0) });
const mantra = createApp({ store, secrets: new Secrets(loadMasterKey(dir)), pool, dataDir: dir });
const serve = withRequestId((req, env) => mantra.fetch(req, env));
const base = 'http://mantra.local';

const requests: Record<string, () => Promise<unknown>> = {
  proxy: () => call(`${base}/v1/${AGENCY}/${SERVICE}/proxy_item`, { authorization: `Bearer ${key}` }),
  pg: () => call(`${base}/v1/${AGENCY}/${SERVICE}/penduduk_by_nik?nik=${NIK}`, { authorization: `Bearer ${key}` }),
  'proxy-compat': () => call(`${base}/json/${AGENCY}/${SERVICE}/proxy_item`, { accesskey: key, 'user-agent': 'MANTRA' }),
  'pg-compat': () => call(`${base}/json/${AGENCY}/${SERVICE}/penduduk_by_nik/nik=${NIK}`, { accesskey: key, 'user-agent': 'MANTRA' }),
  'list-compat': () => call(`${base}/json/${AGENCY}/${SERVICE}/penduduk_list`, { accesskey: key, 'user-agent': 'MANTRA' }),
  my: () => call(`${base}/v1/${AGENCY}/${SERVICE}/penduduk_by_nik_my?nik=${NIK}`, { authorization: `Bearer ${key}` }),
  'my-compat': () => call(`${base}/json/${AGENCY}/${SERVICE}/penduduk_by_nik_my/nik=${NIK}`, { accesskey: key, 'user-agent': 'MANTRA' }),
  composite: () => call(`${base}/v1/${AGENCY}/${SERVICE}/composite_instant`, { authorization: `Bearer ${key}` }),
};
const raw = postgres(pgUrl, { max: 5, prepare: true });
requests['pg-raw'] = async () => {
  const rows = await raw`select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah from penduduk where nik = ${NIK}`;
  return JSON.stringify({ data: rows });
};

requests['list-raw'] = async () => {
  const rows = await raw`select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah from penduduk limit ${100}`;
  return JSON.stringify({ data: rows });
};
const myRaw = mysql.createPool({ uri: myUrl, connectionLimit: 5 });
requests['my-raw'] = async () => {
  const [rows] = await myRaw.execute('select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah from penduduk where nik = ?', [NIK]);
  return JSON.stringify({ data: rows });
};

const http1 = new Http1Client();
const item = route(`${backend.base}/item`)!;
requests.relay = async () => {
  const res = await http1.send(item, { method: 'GET', url: `${backend.base}/item`, headers: {}, idempotent: true },
    { deadline: Date.now() + 10_000, headersTimeoutMs: 10_000, maxBytes: 1 << 20 });
  return new Response(res.body as BodyInit, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' } }).text();
};

// Without Mantra: three concurrent calls with its HTTP/1.1 client, merged (the composite's backend work alone).
const instant = (step: string) => route(`${backend.base}/slow?ms=0&step=${step}`)!;
const instants = ['a', 'b', 'c'].map((s) => [`${backend.base}/slow?ms=0&step=${s}`, instant(s)] as const);
requests['fanout-raw'] = async () => {
  const parts = await Promise.all(instants.map(async ([url, target]) => {
    const res = await http1.send(target, { method: 'GET', url, headers: {}, idempotent: true },
      { deadline: Date.now() + 10_000, headersTimeoutMs: 10_000, maxBytes: 1 << 20 });
    return JSON.parse(await new Response(res.body as BodyInit).text());
  }));
  return JSON.stringify({ data: { a: parts[0], b: parts[1], c: parts[2] } });
};

async function call(url: string, headers: Record<string, string>) {
  const res = await serve(new Request(url, { headers }), { remoteAddress: '127.0.0.1' });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  return text;
}

async function run(fn: () => Promise<unknown>, n: number) {
  let left = n;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (left-- > 0) await fn();
  }));
}

await mantra.registry.ready();
try {
  // Rounds alternate the cases; the lowest figure of each is printed (noise on a shared VM only ever adds).
  const best = new Map<string, { all: number; main: number; rate: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of cases) {
      const fn = requests[name];
      if (!fn) throw new Error(`unknown case ${name}; known: ${Object.keys(requests).join(', ')}`);
      await run(fn, Number(process.env.BENCH_WARM ?? (round === 0 ? 10_000 : 2_000)));
      const cpu = process.cpuUsage();
      const main = process.threadCpuUsage();
      const t = performance.now();
      await run(fn, CALLS);
      const used = process.cpuUsage(cpu);
      const mainUsed = process.threadCpuUsage(main);
      const wall = performance.now() - t;
      const now = { all: (used.user + used.system) / CALLS, main: (mainUsed.user + mainUsed.system) / CALLS, rate: CALLS / (wall / 1000) };
      const was = best.get(name);
      if (!was || now.all < was.all) best.set(name, now);
    }
  }
  for (const [name, b] of best) {
    console.log(`${name.padEnd(12)} ${b.all.toFixed(1).padStart(6)} µs CPU/call (${b.main.toFixed(1)} on the serving thread)  ` +
      `${b.rate.toFixed(0).padStart(6)} calls/s in-process`);
  }
} finally {
  await raw.end();
  await myRaw.end();
  http1.close();
  await mantra.tracker.flush();
  await pool.close();
  await writer?.stop();
  store.close();
  await backend.child.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
