import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Store } from '../store/index.ts';
import { type Kind, kinds } from '../model/index.ts';
import type { Secrets } from '../security/index.ts';
import { generateAccessKey } from '../security/index.ts';
// Bundled as text so that the single binary carries the demo data too.
import tsv from '../../scripts/demo/penduduk.tsv' with { type: 'text' };


/** Builds the demo's SQLite database from the bundled penduduk records (the data behind compat/). */
export function buildDemoDatabase(file: string) {
  if (fs.existsSync(file)) return;
  const tmp = `${file}.tmp`;
  fs.rmSync(tmp, { force: true });
  const db = new DatabaseSync(tmp);
  db.exec(`create table penduduk (nik varchar(16) primary key, nama text, tgl_lahir date, jenis_kelamin char(1),
    alamat text, kode_wilayah int)`);
  const insert = db.prepare('insert into penduduk values (?, ?, ?, ?, ?, ?)');
  const lines = tsv.trim().split('\n').slice(1);
  db.exec('begin');
  for (const line of lines) {
    const [nik, nama, tgl, jk, alamat, kode] = line.split('\t');
    insert.run(nik, nama, tgl, jk, alamat, Number(kode));
  }
  db.exec('commit');
  db.close();
  fs.renameSync(tmp, file); // whole or nothing
}

const operations = [
  {
    slug: 'penduduk_by_nik',
    description: 'Data penduduk menurut NIK',
    params: [{ name: 'nik', type: 'string', pattern: '\\d{16}', description: 'Nomor Induk Kependudukan (16 digit)' }],
    data: { form: 'table', connector: 'penduduk', table: 'penduduk',
      columns: ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'],
      conditions: [{ column: 'nik', op: '=', param: 'nik' }] },
  },
  {
    slug: 'penduduk_list',
    description: 'Daftar penduduk (100 pertama)',
    params: [],
    data: { form: 'table', connector: 'penduduk', table: 'penduduk',
      columns: ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'], limit: 100 },
  },
  {
    slug: 'penduduk_cari',
    description: 'Cari penduduk menurut nama (SQL dengan parameter)',
    params: [{ name: 'nama', type: 'string', maxLength: 100, description: 'Bagian nama, mis. "Penduduk 4"' }],
    data: { form: 'sql', connector: 'penduduk',
      sql: "select nik, nama, kode_wilayah from penduduk where nama like :nama || '%' order by nik limit 50" },
  },
] as const;

/**
 * The demo's own files: a folder beside the data directory (`data/demo` → `data/demo-files`), since connectors may
 * never open a file inside the data directory.
 */
export const demoFilesDir = (dataDir: string) => `${path.resolve(dataDir)}-files`;

/**
 * Creates (or refreshes) agency `demo` and issues a fresh demo key, printed once by the caller. The demo's files
 * folder is added to the settings' fileRoots, as an administrator would allow it.
 */
export async function seedDemo(store: Store, secrets: Secrets, dataDir: string): Promise<{ key: string }> {
  const files = demoFilesDir(dataDir);
  fs.mkdirSync(files, { recursive: true });
  const dbFile = path.join(files, 'penduduk.sqlite');
  buildDemoDatabase(dbFile);
  const key = generateAccessKey();
  await store.transaction(async () => {
    const upsert = async (kind: Kind, body: any) => {
      const id = (kinds[kind].id as (e: unknown) => string)(body);
      const existing = await store.get(kind, id);
      await store.put(kind, body, existing?.version ?? 0);
    };
    const settings = kinds.settings.schema.parse((await store.get('settings', 'settings'))?.body ?? {});
    if (!settings.fileRoots.includes(files)) await upsert('settings', { ...settings, fileRoots: [...settings.fileRoots, files] });
    await upsert('agency', { slug: 'demo', name: 'Instansi Demo', description: 'Data contoh Mantra' });
    await upsert('connector', { agency: 'demo', slug: 'penduduk', kind: 'sqlite', path: dbFile, description: 'SQLite demo' });
    await upsert('service', { agency: 'demo', slug: 'kependudukan', name: 'Kependudukan' });
    await upsert('consumer', { agency: 'demo', slug: 'demo-app', name: 'Aplikasi demo' });
    for (const op of operations) {
      await upsert('operation', { agency: 'demo', service: 'kependudukan', kind: 'data', ...op });
      await upsert('subscription', {
        id: `demo-${op.slug.replace(/_/g, '-')}`, consumer: 'demo/demo-app', agency: 'demo', service: 'kependudukan',
        operation: op.slug, status: 'approved', keyHash: secrets.hashKey(key), keyHint: key.slice(0, 4),
        purpose: 'Demo',
      });
    }
  });
  return { key };
}
