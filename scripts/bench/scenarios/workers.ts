/** The connector worker pool vs inline (--workers 0), for a 1-row and a 10,000-row answer (v1 json). */
import os from 'node:os';
import { pendudukPg } from '../databases.ts';
import { v1Headers, v1Url } from '../mantra.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, withMantra } from './common.ts';
import { v1Json } from './data.ts';

const cases = [
  { scenario: 'workers, 1 row', op: 'penduduk_by_nik', query: '?nik={nik}', expect: v1Json() },
  { scenario: 'workers, 10,000 rows', op: 'penduduk_rows', query: '', expect: v1Json(10_000) },
];

export const workers: Scenario = {
  name: 'workers',
  describe: 'v1 json over PostgreSQL, 1 row and 10,000 rows: inline (--workers 0, reference) vs a pool of one worker per core',
  async run(ctx) {
    let url: string;
    try {
      url = await pendudukPg();
    } catch (err) {
      return [errorRow('workers', 'inline', `loading penduduk failed: ${(err as Error).message}`)];
    }
    const pool = os.availableParallelism?.() ?? os.cpus().length;
    const rows: Row[] = [];
    for (const size of [0, pool]) {
      const variant = size === 0 ? 'Mantra inline (--workers 0)' : `Mantra pool (--workers ${pool})`;
      rows.push(...await withMantra(ctx, { pgUrl: url, workers: size }, (m) => cases.map((c) => ({
        scenario: c.scenario, op: c.op, variant, reference: size === 0,
        load: { url: v1Url(m, c.op, c.query), headers: v1Headers(m) }, expect: c.expect,
      })), cases.map((c) => ({ scenario: c.scenario, variant }))));
    }
    // Group each case's two variants together in the table.
    return cases.flatMap((c) => rows.filter((r) => r.scenario === c.scenario));
  },
};
