/** The cost of the audit trail: the same by-key v1 call with the settings' `tracks` flag off (reference) and on. */
import { pendudukPg } from '../databases.ts';
import { v1Headers, v1Url } from '../mantra.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, withMantra } from './common.ts';
import { v1Json } from './data.ts';

const name = 'tracks';

export const tracks: Scenario = {
  name,
  describe: 'by-key v1 json over PostgreSQL with tracks off (reference) and on; counts the tracks written',
  async run(ctx) {
    let url: string;
    try {
      url = await pendudukPg();
    } catch (err) {
      return [errorRow(name, 'tracks off', `loading penduduk failed: ${(err as Error).message}`)];
    }
    const rows: Row[] = [];
    for (const on of [false, true]) {
      const variant = on ? 'Mantra v1 json, tracks on' : 'Mantra v1 json, tracks off';
      const op = 'penduduk_by_nik';
      rows.push(...await withMantra(ctx, { pgUrl: url, tracks: on }, (m) => [
        { scenario: name, op, variant, reference: !on, load: { url: v1Url(m, op, '?nik={nik}'), headers: v1Headers(m) }, expect: v1Json() },
      ], [{ scenario: name, variant }], async (m, measured) => {
        const row = measured[0];
        if (!row || (row.status !== 'ok' && row.status !== 'reference')) return;
        try {
          const n = await m.countTracks();
          const note = `${n.toLocaleString('en')} tracks written`;
          row.note = row.note ? `${note}; ${row.note}` : note;
          if (on === (n === 0)) {
            row.status = 'error';
            row.note = `the tracks flag is not honoured (${note})`;
          }
        } catch (err) {
          row.note = `tracks not counted: ${(err as Error).message}`;
        }
      }));
    }
    return rows;
  },
};
