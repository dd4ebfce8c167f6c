/**
 * CPU time per call without HTTP: the benchmark configuration in a temp data dir, the app called in-process
 * (app.fetch behind the server's own request-id wrapper) by 32 concurrent loops, process.cpuUsage() around
 * the measured calls (the whole process: the store's writer thread included). Steadier than wrk on 2 cores for comparing two versions of the code; not a throughput figure.
 *
 *   bun scripts/bench/cpu-per-call.ts [case ...]     cases: proxy, pg, pg-compat, pg-raw (postgres.js alone)
 * Env: BENCH_CALLS (default 20000), BENCH_TRACKS=0 to switch tracks off, BENCH_WORKERS (default 0).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { configure, AGENCY, SERVICE } from './mantra.ts';
import { pendudukPg } from './databases.ts';
import { SAMPLE_NIK } from './measure.ts';
import { startBackend } from './endpoints.ts';
import { pinning } from './processes.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { loadMasterKey, Secrets } from '../../src/security/index.ts';
import { createPool } from '../../connectors/pool.ts';
import { createApp } from '../../src/app.ts';
import { withRequestId } from '../../src/app-env.ts';
import { setLogLevel } from '../../src/observability/log.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = 32;
const NIK = SAMPLE_NIK;

setLogLevel('error');
const cases = process.argv.slice(2).length ? process.argv.slice(2) : ['proxy', 'pg', 'pg-compat', 'pg-raw'];
const pgUrl = await pendudukPg();
// The backend runs on the load CPU; this process on the server CPU.
const backend = await startBackend(pinning.load);
if (pinning.enabled) spawnSync('taskset', ['-a', '-p', '-c', pinning.server, String(process.pid)], { stdio: 'ignore' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-cpu-'));
const key = 'cpu-per-call-key-0123456789';
await configure(dir, { pgUrl, backend: backend.base, tracks: process.env.BENCH_TRACKS !== '0' }, key);
const store = openSqliteStore(dir);
const writer = store.startWriter?.();
const pool = createPool({ size: Number(process.env.BENCH_WORKERS ?? 0) });
const mantra = createApp({ store, secrets: new Secrets(loadMasterKey(dir)), pool });
const serve = withRequestId((req, env) => mantra.fetch(req, env));
const base = 'http://mantra.local';

const requests: Record<string, () => Promise<unknown>> = {
  proxy: () => call(`${base}/v1/${AGENCY}/${SERVICE}/proxy_item`, { authorization: `Bearer ${key}` }),
  pg: () => call(`${base}/v1/${AGENCY}/${SERVICE}/penduduk_by_nik?nik=${NIK}`, { authorization: `Bearer ${key}` }),
  'pg-compat': () => call(`${base}/json/${AGENCY}/${SERVICE}/penduduk_by_nik/nik=${NIK}`, { accesskey: key, 'user-agent': 'MANTRA' }),
};
const raw = postgres(pgUrl, { max: 5, prepare: true });
requests['pg-raw'] = async () => {
  const rows = await raw`select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah from penduduk where nik = ${NIK}`;
  return JSON.stringify({ data: rows });
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
  for (const name of cases) {
    const fn = requests[name];
    if (!fn) throw new Error(`unknown case ${name}; known: ${Object.keys(requests).join(', ')}`);
    await run(fn, Number(process.env.BENCH_WARM ?? 10_000));
    const cpu = process.cpuUsage();
    const main = process.threadCpuUsage();
    const t = performance.now();
    await run(fn, CALLS);
    const used = process.cpuUsage(cpu);
    const mainUsed = process.threadCpuUsage(main);
    const wall = performance.now() - t;
    console.log(`${name.padEnd(10)} ${((used.user + used.system) / CALLS).toFixed(1).padStart(6)} µs CPU/call (${((mainUsed.user + mainUsed.system) / CALLS).toFixed(1)} on the serving thread)  ` +
      `${(CALLS / (wall / 1000)).toFixed(0).padStart(6)} calls/s in-process`);
  }
} finally {
  await raw.end();
  await mantra.tracker.flush();
  await pool.close();
  await writer?.stop();
  store.close();
  await backend.child.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
