/**
 * `npm run bench [-- NAME[,NAME…]] [--rounds N] [--duration S] [--warmup S] [--connections N] [--export-rows N] [--out FILE]`
 * `npm run bench -- --from bench/results.json [--markdown]` prints the table of an earlier run again.
 *
 * Runs the benchmark scenarios against references measured in the same run and prints one table; writes
 * bench/results.json. With --rounds N each scenario runs N times in a row (its reference and Mantra alternate in
 * time) and every figure is the median of the rounds. Env: BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_EXPORT_ROWS, BENCH_PIN=0 (no
 * CPU pinning). Everything the harness starts is stopped at the end, on failure and on Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_TOTAL } from './databases.ts';
import { ROOT } from './mantra.ts';
import { NGINX } from './nginx.ts';
import { installCleanup, isInterrupted, pinning, pinSelf, stopAll } from './processes.ts';
import { scenarios } from './scenarios/index.ts';
import { addP99Notes, addRatios, machine, mergeRounds, renderTable, writeResults } from './table.ts';
import type { Context, Options, Row } from './types.ts';
import { WRK } from './wrk.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'export-rows': { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'boolean' },
    from: { type: 'string' },
    list: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

function number(flag: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const text = flag ?? env;
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`bench: ${name} must be a number ≥ 0`);
    process.exit(2);
  }
  return n;
}

const env = process.env;
const rounds = Math.max(1, Math.floor(number(values.rounds, env.BENCH_ROUNDS, 1, '--rounds')));
const options: Options = {
  durationS: number(values.duration, env.BENCH_DURATION, 10, '--duration'),
  warmupS: number(values.warmup, env.BENCH_WARMUP, 3, '--warmup'),
  connections: number(values.connections, env.BENCH_CONNECTIONS, 32, '--connections'),
  exportRows: Math.min(EXPORT_TOTAL, number(values['export-rows'], env.BENCH_EXPORT_ROWS, EXPORT_TOTAL, '--export-rows')),
};

if (values.help || values.list) {
  console.log('Usage: npm run bench [-- NAME[,NAME…]] [--rounds N] [--duration S] [--warmup S] [--connections N] [--export-rows N] [--out FILE] [--markdown]');
  console.log('       npm run bench -- --from bench/results.json [--markdown]   (print an earlier run\'s table)\n');
  console.log('Scenarios:');
  for (const s of scenarios) console.log(`  ${s.name.padEnd(11)} ${s.describe}`);
  process.exit(0);
}

if (values.from) {
  const doc = JSON.parse(fs.readFileSync(path.resolve(values.from), 'utf8'));
  const mc = doc.machine ?? {};
  console.log(`Mantra benchmarks, ${String(doc.date).slice(0, 16).replace('T', ' ')} UTC, ${mc.nproc} × ${mc.model}, ${mc.memoryGb} GB` +
    ` (${doc.options?.connections} connections, ${doc.options?.durationS} s after ${doc.options?.warmupS} s warm-up; ${doc.pinning})\n`);
  console.log(renderTable(doc.rows, values.markdown));
  process.exit(0);
}

const wanted = positionals.flatMap((p) => p.split(',')).map((s) => s.trim()).filter(Boolean);
const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
if (unknown.length) {
  console.error(`bench: unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
if (options.durationS < 1 || options.connections < 1) {
  console.error('bench: --duration and --connections must be at least 1');
  process.exit(2);
}
const chosen = wanted.length ? scenarios.filter((s) => wanted.includes(s.name)) : scenarios;

const started = Date.now();
const log = (m: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);
const ctx: Context = { options, log };
const rows: Row[] = [];
const outFile = path.resolve(ROOT, values.out ?? 'bench/results.json');

installCleanup(() => log('interrupted: stopping everything the harness started'));
pinSelf();

const m = machine();
log(`${m.nproc} × ${m.model}, ${m.memoryGb} GB; ${options.connections} connections, ${options.warmupS} s warm-up, ` +
  `${options.durationS} s measured${rounds > 1 ? `, ${rounds} rounds` : ''}; ${pinning.enabled ? `server on CPU ${pinning.server}, wrk on CPU ${pinning.load}` : 'no CPU pinning'}`);

try {
  for (const s of chosen) {
    if (isInterrupted()) break;
    const results: Row[][] = [];
    for (let round = 1; round <= rounds && !isInterrupted(); round++) {
      log(`scenario ${s.name}${rounds > 1 ? ` (round ${round} of ${rounds})` : ''}: ${s.describe}`);
      let found: Row[];
      try {
        found = await s.run(ctx);
      } catch (err) {
        found = [{ scenario: s.name, variant: '(scenario)', status: 'error', note: (err as Error).stack ?? String(err) }];
      }
      addRatios(found);
      results.push(found);
    }
    const merged = mergeRounds(results);
    if (s.addedP99) addP99Notes(merged);
    rows.push(...merged);
  }
} finally {
  await stopAll();
}

const date = new Date().toISOString();
writeResults(outFile, { date, options: { ...options, rounds }, pinned: pinning.enabled, rows, tools: { nginx: NGINX, wrk: WRK, psql: env.BENCH_PSQL ?? 'psql' } });
console.log(`\nMantra benchmarks, ${date.slice(0, 16).replace('T', ' ')} UTC, ${m.nproc} × ${m.model}, ${m.memoryGb} GB` +
  ` (${options.connections} connections, ${options.durationS} s after ${options.warmupS} s warm-up` +
  `${rounds > 1 ? `; medians of ${rounds} rounds` : ''})\n`);
console.log(renderTable(rows, values.markdown));
console.log(`\nratio = rate / the scenario's reference (ref) in this run. CPU µs/req = the server process's CPU time (all threads) per answer (in brackets: its share of one core). Results: ${path.relative(process.cwd(), outFile) || outFile}`);
process.exit(rows.some((r) => r.status === 'error') ? 1 : 0);
