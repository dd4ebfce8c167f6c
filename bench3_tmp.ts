import { createPool } from './connectors/pool.ts';
import { compileData } from './connectors/sql/index.ts';
const connector = { id: 'a/pg', version: 1, config: { agency: 'a', slug: 'pg', kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', poolSize: 4, connectTimeoutMs: 2000, description: '' } } as any;
const plan = compileData({ form: 'table', connector: 'pg', table: 'mantra_bench_tmp', columns: ['k', 'v', 'd'], conditions: [{ column: 'k', op: '=', param: 'k', join: 'AND' }], order: [], keys: [], action: 'select', write: false, timeoutMs: 1000, rowCap: 10000, truncate: false } as any, 'postgres');
const N = 20000, C = 16;
const pool = createPool({ size: 0 });
let i = 0;
await Promise.all(Array.from({ length: C }, async () => { while (i < N) { i++; for await (const ev of pool.run({ connector, plan: plan({ k: String(i % 1000) }), timeoutMs: 1000, rowCap: 10000, truncate: false, output: { mode: 'rows' } })) {} } }));
await pool.close();
