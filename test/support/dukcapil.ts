/** The original's fixture setup (compat/README.md): agency dukcapil, its two operations and keys, the golden cases. */
import fs from 'node:fs';
import type { testApp } from './app.ts';

export const golden = (name: string) => fs.readFileSync(new URL(`../fixtures/compat/golden/${name}.body`, import.meta.url), 'utf8');

export type GoldenCase = { name: string; path: string; key?: string; method?: string; body?: string };

/** Every request of compat/README.md, for the keys of the by-NIK and the list operation. */
export function goldenCases(keys = { byNik: 'tog89mzxyu', list: 'etctm892js' }): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const fmt of ['json', 'xml', 'api']) {
    const base = `/${fmt}/dukcapil/kependudukan`;
    cases.push(
      { name: `${fmt}_by_nik_pg_found`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: keys.byNik },
      { name: `${fmt}_by_nik_pg_notfound`, path: `${base}/penduduk_by_nik/nik=3201999999999999`, key: keys.byNik },
      { name: `${fmt}_list_pg`, path: `${base}/penduduk_list`, key: keys.list },
      { name: `${fmt}_wrong_accesskey`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: 'wrongkey00' },
      { name: `${fmt}_empty_accesskey`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: '' },
      { name: `${fmt}_unknown_operation`, path: `${base}/no_such_op/nik=3201000000000042`, key: keys.byNik },
      { name: `${fmt}_post_form_pg`, path: `${base}/penduduk_by_nik`, key: keys.byNik, method: 'POST', body: 'nik=3201000000000042' },
    );
  }
  cases.push(
    { name: 'json_list_pg_with_param', path: '/json/dukcapil/kependudukan/penduduk_list/nik=3201000000000042', key: keys.list },
    { name: 'json_by_nik_pg_wrong_param_name', path: '/json/dukcapil/kependudukan/penduduk_by_nik/nama=Penduduk%2042', key: keys.byNik },
  );
  return cases;
}

/** The request a golden case describes, as the original's callers sent it. */
export function goldenRequest(c: GoldenCase): [string, RequestInit] {
  const headers: Record<string, string> = { 'User-Agent': 'MANTRA' };
  if (c.key !== undefined) headers.AccessKey = c.key;
  if (c.body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return [c.path, { method: c.method ?? 'GET', headers, body: c.body }];
}

export const BY_NIK = 'tog89mzxyu', LIST = 'etctm892js';
const columns = ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'];

export async function setupDukcapil(t: Awaited<ReturnType<typeof testApp>>, dbUrl: string, kind = 'postgres') {
  const u = new URL(dbUrl);
  await t.put('agency', { slug: 'dukcapil', name: 'Dukcapil' });
  await t.put('connector', {
    agency: 'dukcapil', slug: 'pg', kind, host: u.hostname, port: Number(u.port), database: u.pathname.slice(1),
    user: decodeURIComponent(u.username), password: t.secrets.encrypt(decodeURIComponent(u.password)),
  });
  await t.put('service', { agency: 'dukcapil', slug: 'kependudukan' });
  await t.put('operation', {
    agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_by_nik', kind: 'data', params: [{ name: 'nik' }],
    data: { form: 'table', connector: 'pg', table: 'penduduk', columns, conditions: [{ column: 'nik', op: '=', param: 'nik' }] },
  });
  await t.put('operation', {
    agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_list', kind: 'data',
    data: { form: 'table', connector: 'pg', table: 'penduduk', columns, limit: 100 },
  });
  await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'penduduk_by_nik');
  await t.subscribe(LIST, 'dukcapil', 'kependudukan', 'penduduk_list');
}
