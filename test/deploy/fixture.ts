/** A data directory for the deployment tests: one data operation over a SQLite file that signs its answers, a key. */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore } from '../../src/store/index.ts';
import { loadMasterKey, Secrets } from '../../src/security/index.ts';
import { kinds } from '../../src/model/index.ts';

export const KEY = 'deploy-test-key-0001';
export const NIK = '3201000000000001';
/** pemda/warga/cari?nik=NIK answers Siti. */
export const CALL_PATH = `/v1/pemda/warga/cari?nik=${NIK}`;

/** `files` holds the SQLite file (outside the data directory); `settings` go with the required fileRoots. */
export async function configure(dir: string, files: string, settings: Record<string, unknown> = {}) {
  const file = path.join(files, 'warga.db');
  const db = new DatabaseSync(file);
  db.exec(`create table warga (nik text, nama text); insert into warga values ('${NIK}', 'Siti');`);
  db.close();
  fs.mkdirSync(dir, { recursive: true });
  const store = openSqliteStore(dir);
  const secrets = new Secrets(loadMasterKey(dir));
  const put = (kind: keyof typeof kinds, body: unknown) => store.put(kind, (kinds[kind].schema as any).parse(body), 0);
  try {
    await put('settings', { fileRoots: [files], ...settings });
    await put('agency', { slug: 'pemda', name: 'Pemda' });
    await put('connector', { agency: 'pemda', slug: 'db', kind: 'sqlite', path: file });
    await put('service', { agency: 'pemda', slug: 'warga' });
    await put('operation', {
      agency: 'pemda', service: 'warga', slug: 'cari', kind: 'data', params: [{ name: 'nik' }], audit: { signAnswers: true },
      data: { form: 'sql', connector: 'db', sql: 'select nik, nama from warga where nik = :nik' },
    });
    await put('consumer', { agency: 'pemda', slug: 'app', name: 'App' });
    await put('subscription', {
      id: 'app-cari', consumer: 'pemda/app', agency: 'pemda', service: 'warga', operation: 'cari', status: 'approved',
      keyHash: secrets.hashKey(KEY), purpose: 'Uji',
    });
  } finally {
    store.close();
  }
}
