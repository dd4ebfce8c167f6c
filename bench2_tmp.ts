import postgres from 'postgres';
import { createPool } from './connectors/pool.ts';
import { compileData } from './connectors/sql/index.ts';
const sql = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 4, fetch_types: false });
const connector = { id: 'a/pg', version: 1, config: { agency: 'a', slug: 'pg', kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', poolSize: 4, connectTimeoutMs: 2000, description: '' } } as any;
const plan = compileData({ form: 'table', connector: 'pg', table: 'mantra_bench_tmp', columns: ['k', 'v', 'd'], conditions: [{ column: 'k', op: '=', param: 'k', join: 'AND' }], order: [], keys: [], action: 'select', write: false, timeoutMs: 1000, rowCap: 10000, truncate: false } as any, 'postgres');
const N = 6000, C = 16;
async function measure(name: string, one: (i: number) => Promise<unknown>) {
  let i = 0; const t = performance.now(); const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: C }, async () => { while (i < N) await one(i++); }));
  const c = process.cpuUsage(cpu);
  console.log(name.padEnd(12), String(Math.round(N / ((performance.now() - t) / 1000))).padStart(6), 'req/s', ((c.user + c.system) / N).toFixed(1).padStart(6), 'µs cpu/req');
}
const pool = createPool({ size: 0 });
const output = { mode: 'encode', format: 'json', envelope: 'mantra', name: 'x' } as const;
for (let round = 0; round < 3; round++) {
  await measure('raw', (i) => sql`select k, v, d from mantra_bench_tmp where k = ${String(i % 1000)}`);
  await measure('raw-unsafe', (i) => sql.unsafe('SELECT "k", "v", "d" FROM "mantra_bench_tmp" WHERE "k" = $1', [String(i % 1000)], { prepare: true }));
  await measure('raw-forEach', (i) => sql.unsafe('SELECT "k", "v", "d" FROM "mantra_bench_tmp" WHERE "k" = $1', [String(i % 1000)], { prepare: true }).forEach(() => {}));
  await measure('inline-rows', async (i) => { for await (const ev of pool.run({ connector, plan: plan({ k: String(i % 1000) }), timeoutMs: 1000, rowCap: 10000, truncate: false, output: { mode: 'rows' } })) {} });
  await measure('inline-json', async (i) => { for await (const ev of pool.run({ connector, plan: plan({ k: String(i % 1000) }), timeoutMs: 1000, rowCap: 10000, truncate: false, output })) {} });
}
await pool.close();
await sql.end();
