import { createPool } from './connectors/pool.ts';
import { compileData } from './connectors/sql/index.ts';
const connector = { id: 'a/pg', version: 1, config: { agency: 'a', slug: 'pg', kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', poolSize: 2, connectTimeoutMs: 2000, description: '' } } as any;
const plan = compileData({ form: 'sql', connector: 'pg', sql: "select g as n, 'x'||g as s, now()::timestamp as t, current_date as d, g::numeric(10,2) as num from generate_series(1, :n) g", write: false, timeoutMs: 1000, rowCap: 100, truncate: false } as any, 'postgres');
for (const size of [0, 1]) {
  const pool = createPool({ size });
  for (const n of [1, 3, 150]) {
    const evs: any[] = [];
    for await (const ev of pool.run({ connector, plan: plan({ n }), timeoutMs: 1000, rowCap: 100, truncate: n === 150, output: { mode: 'rows' } })) evs.push(ev.type === 'rows' ? { type: 'rows', n: ev.rows.length, first: ev.rows[0] } : ev);
    console.log(size, n, JSON.stringify(evs));
  }
  console.log(await pool.tables(connector).then(t => t.length), await pool.columns(connector, 'pg_catalog.pg_class').then(c => c.slice(0, 2)));
  await pool.close();
}
