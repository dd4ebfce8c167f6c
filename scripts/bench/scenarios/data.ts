/**
 * By-key data calls over PostgreSQL and MariaDB: the compatible path in json, xml and api (PHP serialize) and
 * v1 json, against a minimal hand-written Bun endpoint running the same prepared statement.
 */
import { pendudukMysql, pendudukPg } from '../databases.ts';
import { startMysqlEndpoint, startPgEndpoint } from '../endpoints.ts';
import { compatHeaders, compatUrl, v1Headers, v1Url, type Mantra } from '../mantra.ts';
import { expectations, measure, SAMPLE_NIK, type Expect } from '../measure.ts';
import type { Context, Row, Scenario } from '../types.ts';
import { errorRow, withMantra, withReference, type MantraTarget } from './common.ts';

const compatJson = (op: string): Expect =>
  expectations.json((b) =>
    b?.response?.status === 1 && b.response.data?.[op]?.['0']?.nik === SAMPLE_NIK ? undefined : 'not the envelope with the sample row');

export const v1Json = (count?: number): Expect =>
  expectations.json((b) => {
    if (!Array.isArray(b?.data)) return 'no data list';
    if (count !== undefined) return b.data.length === count ? undefined : `expected ${count} rows, got ${b.data.length}`;
    return b.data[0]?.nik === SAMPLE_NIK ? undefined : 'not the sample row';
  });

/** The four Mantra variants of a by-key operation. */
export function byKeyTargets(scenario: string, m: Mantra, op: string): MantraTarget[] {
  const args = '/nik={nik}';
  return [
    { scenario, op, variant: 'Mantra compat json', load: { url: compatUrl(m, 'json', op, args), headers: compatHeaders(m) }, expect: compatJson(op) },
    { scenario, op, variant: 'Mantra compat xml', load: { url: compatUrl(m, 'xml', op, args), headers: compatHeaders(m) },
      expect: expectations.contains('<status>1</status>', `<nik>${SAMPLE_NIK}</nik>`) },
    { scenario, op, variant: 'Mantra compat api (serialize)', load: { url: compatUrl(m, 'api', op, args), headers: compatHeaders(m) },
      expect: expectations.contains(`s:16:"${SAMPLE_NIK}"`) },
    { scenario, op, variant: 'Mantra v1 json', load: { url: v1Url(m, op, '?nik={nik}'), headers: v1Headers(m) }, expect: v1Json() },
  ];
}

const variantsOf = (scenario: string) =>
  ['Mantra compat json', 'Mantra compat xml', 'Mantra compat api (serialize)', 'Mantra v1 json'].map((variant) => ({ scenario, variant }));

function dataScenario(db: 'pg' | 'mysql'): Scenario {
  const name = `data-${db}`;
  const label = db === 'pg' ? 'PostgreSQL' : 'MariaDB';
  const refVariant = db === 'pg' ? 'Bun + postgres (hand-written)' : 'Bun + mysql2 (hand-written)';
  return {
    name,
    describe: `by-key call over ${label}: compatible path json/xml/api and v1 json vs ${refVariant}`,
    async run(ctx: Context): Promise<Row[]> {
      let url: string;
      try {
        url = await (db === 'pg' ? pendudukPg() : pendudukMysql());
      } catch (err) {
        return [errorRow(name, refVariant, `loading penduduk into ${label} failed: ${(err as Error).message}`)];
      }
      const rows = [await withReference(name, refVariant, () => (db === 'pg' ? startPgEndpoint(url) : startMysqlEndpoint(url)), (ref) =>
        measure(ctx, { scenario: name, variant: refVariant, reference: true, server: ref.child,
          load: { url: `${ref.base}/by-key?nik={nik}` }, expect: v1Json() }))];
      const op = db === 'pg' ? 'penduduk_by_nik' : 'penduduk_by_nik_my';
      rows.push(...await withMantra(ctx, db === 'pg' ? { pgUrl: url } : { mysqlUrl: url },
        (m) => byKeyTargets(name, m, op), variantsOf(name)));
      return rows;
    },
  };
}

export const dataPg = dataScenario('pg');
export const dataMysql = dataScenario('mysql');

/** A 100-row list over PostgreSQL. */
export const list: Scenario = {
  name: 'list',
  describe: '100-row list over PostgreSQL: compatible json and v1 json vs the hand-written Bun + postgres endpoint',
  async run(ctx) {
    const name = 'list';
    const refVariant = 'Bun + postgres (hand-written)';
    let url: string;
    try {
      url = await pendudukPg();
    } catch (err) {
      return [errorRow(name, refVariant, `loading penduduk failed: ${(err as Error).message}`)];
    }
    const rows = [await withReference(name, refVariant, () => startPgEndpoint(url), (ref) =>
      measure(ctx, { scenario: name, variant: refVariant, reference: true, server: ref.child,
        load: { url: `${ref.base}/list?limit=100` }, expect: v1Json(100) }))];
    const op = 'penduduk_list';
    rows.push(...await withMantra(ctx, { pgUrl: url }, (m) => [
      { scenario: name, op, variant: 'Mantra compat json', load: { url: compatUrl(m, 'json', op), headers: compatHeaders(m) },
        expect: expectations.json((b) => {
          const n = Object.keys(b?.response?.data?.[op] ?? {}).length;
          return n === 100 ? undefined : `expected 100 rows, got ${n}`;
        }) },
      { scenario: name, op, variant: 'Mantra v1 json', load: { url: v1Url(m, op), headers: v1Headers(m) }, expect: v1Json(100) },
    ], ['Mantra compat json', 'Mantra v1 json'].map((variant) => ({ scenario: name, variant }))));
    return rows;
  },
};
