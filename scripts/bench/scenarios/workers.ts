/**
 * The connector worker pool vs inline (--workers 0), for a 1-row and a 10,000-row answer (v1 json). Besides the
 * rates on this machine, each pool row splits the process's CPU per answer into the serving thread's (HTTP, the
 * pipeline, taking the workers' bytes) and the workers' (driver, rows, encoding), and projects the rate on a
 * machine with more cores: the serving thread bounds it at 1/main, the workers at k/workers for k worker cores.
 * Measured on one core each, those two figures are what a bigger machine would run in parallel.
 */
import fs from 'node:fs';
import os from 'node:os';
import { pendudukPg } from '../databases.ts';
import { startMantra, v1Headers, v1Url, type Mantra } from '../mantra.ts';
import { measure } from '../measure.ts';
import { lastLines } from '../processes.ts';
import { runWrk } from '../wrk.ts';
import type { Context, Row, Scenario } from '../types.ts';
import { errorRow } from './common.ts';
import { v1Json } from './data.ts';

const cases = [
  { scenario: 'workers, 1 row', op: 'penduduk_by_nik', query: '?nik={nik}', expect: v1Json() },
  { scenario: 'workers, 10,000 rows', op: 'penduduk_rows', query: '', expect: v1Json(10_000) },
];

/** CPU seconds of the process's threads so far: connector workers apart from everything else. */
function threadCpu(pid: number): { workers: number; rest: number } {
  const out = { workers: 0, rest: 0 };
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const s = (Number(f[11]) + Number(f[12])) / 100;
      // Worker threads are named after createWorker's name (the kernel keeps 15 characters).
      const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8');
      if (comm.startsWith('mantra-connect')) out.workers += s;
      else out.rest += s;
    }
  } catch { /* the process ended */ }
  return out;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));

/** The serving thread's and the workers' CPU per answer, and the rate they allow on more cores. */
function projection(row: Row, before: ReturnType<typeof threadCpu>, after: ReturnType<typeof threadCpu>): string | undefined {
  const workers = after.workers - before.workers;
  const rest = after.rest - before.rest;
  if (!row.cpuUsPerReq || workers + rest <= 0) return undefined;
  const mainUs = (row.cpuUsPerReq * rest) / (workers + rest);
  const workerUs = (row.cpuUsPerReq * workers) / (workers + rest);
  if (workerUs <= 0) return `serving thread ${fmt(mainUs)} µs/answer: one core bounds it at ${fmt(1e6 / mainUs)}/s`;
  const on = (k: number) => fmt(Math.min(1e6 / mainUs, (k * 1e6) / workerUs));
  return `serving thread ${fmt(mainUs)} + workers ${fmt(workerUs)} µs/answer: with 1/2/3/7 worker cores at most ${on(1)}/${on(2)}/${on(3)}/${on(7)}/s`;
}

async function variant(ctx: Context, url: string, size: number, label: string): Promise<Row[]> {
  let m: Mantra;
  try {
    m = await startMantra({ pgUrl: url, workers: size });
  } catch (err) {
    return cases.map((c) => errorRow(c.scenario, label, `Mantra did not start: ${lastLines((err as Error).message, 4)}`));
  }
  const rows: Row[] = [];
  try {
    const targets = cases.map((c) => ({
      scenario: c.scenario, op: c.op, variant: label, reference: size === 0,
      load: { url: v1Url(m, c.op, c.query), headers: v1Headers(m) }, expect: c.expect,
    }));
    if (ctx.options.warmupS > 0) {
      ctx.log(`workers: Mantra warm-up, ${ctx.options.warmupS} s on each of ${targets.length} variants`);
      for (const t of targets) await runWrk(t.load, { durationS: ctx.options.warmupS, connections: ctx.options.connections }).catch(() => {});
    }
    for (const t of targets) {
      if (m.refused[t.op]) {
        rows.push(errorRow(t.scenario, t.variant, `the store refused operation ${t.op}: ${m.refused[t.op]}`));
        continue;
      }
      const before = threadCpu(m.child.pid);
      const row = await measure(ctx, { ...t, server: m.child });
      const split = projection(row, before, threadCpu(m.child.pid));
      rows.push(split && row.status !== 'error' ? { ...row, note: [row.note, split].filter(Boolean).join('; ') } : row);
    }
  } finally {
    await m.stop();
  }
  return rows;
}

export const workers: Scenario = {
  name: 'workers',
  describe: 'v1 json over PostgreSQL, 1 row and 10,000 rows: inline (--workers 0, reference) vs a pool of one worker per core, with the CPU split per thread',
  async run(ctx) {
    let url: string;
    try {
      url = await pendudukPg();
    } catch (err) {
      return [errorRow('workers', 'inline', `loading penduduk failed: ${(err as Error).message}`)];
    }
    const pool = os.availableParallelism?.() ?? os.cpus().length;
    const rows = [
      ...await variant(ctx, url, 0, 'Mantra inline (--workers 0)'),
      ...await variant(ctx, url, pool, `Mantra pool (--workers ${pool})`),
    ];
    // Group each case's two variants together in the table.
    return cases.flatMap((c) => rows.filter((r) => r.scenario === c.scenario));
  },
};
