/** The original's fixture setup (compat/README.md): agency dukcapil, its two operations and keys. */
import type { testApp } from './app.ts';

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
