import postgres from 'postgres';
import { createPool } from './connectors/pool.ts';
import { compileData } from './connectors/sql/index.ts';
const sql = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 4, fetch_types: false });
await sql.unsafe('create table if not exists mantra_bench_tmp (k text primary key, v text, d date)');
await sql.unsafe("insert into mantra_bench_tmp select g::text, 'v'||g, current_date from generate_series(1,1000) g on conflict do nothing");
const connector = { id: 'a/pg', version: 1, config: { agency: 'a', slug: 'pg', kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', poolSize: 4, connectTimeoutMs: 2000, description: '' } } as any;
const plan = compileData({ form: 'table', connector: 'pg', table: 'mantra_bench_tmp', columns: ['k', 'v', 'd'], conditions: [{ column: 'k', op: '=', param: 'k', join: 'AND' }], order: [], keys: [], action: 'select', write: false, timeoutMs: 1000, rowCap: 10000, truncate: false } as any, 'postgres');
const N = 6000, C = 16;
async function measure(name: string, one: (i: number) => Promise<unknown>) {
  let i = 0; const t = performance.now(); const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: C }, async () => { while (i < N) await one(i++); }));
  const c = process.cpuUsage(cpu);
  console.log(name.padEnd(8), String(Math.round(N / ((performance.now() - t) / 1000))).padStart(6), 'req/s', ((c.user + c.system) / N).toFixed(1).padStart(6), 'µs cpu/req');
}
const pools = { inline: createPool({ size: 0 }), w1: createPool({ size: 1 }) };
const output = { mode: 'encode', format: 'json', envelope: 'mantra', name: 'x' } as const;
for (let round = 0; round < 3; round++) {
  await measure('raw', (i) => sql`select k, v, d from mantra_bench_tmp where k = ${String(i % 1000)}`);
  for (const [name, pool] of Object.entries(pools)) {
    await measure(name, async (i) => { for await (const ev of pool.run({ connector, plan: plan({ k: String(i % 1000) }), timeoutMs: 1000, rowCap: 10000, truncate: false, output })) {} });
  }
}
for (const p of Object.values(pools)) await p.close();
await sql.end();
