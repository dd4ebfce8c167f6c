/** Loads compat/penduduk.tsv into a real database the way the original's fixtures were made. */
import fs from 'node:fs';
import postgres from 'postgres';
import mysql from 'mysql2/promise';
import { pgUrl, mysqlUrl } from './services.ts';

const TSV = new URL('../../scripts/demo/penduduk.tsv', import.meta.url);

export function pendudukRows(): string[][] {
  return fs.readFileSync(TSV, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
}

/** PostgreSQL database `kependudukan` with table penduduk (10,000 rows, file order). Returns its URL. */
export async function loadPendudukPg(): Promise<string> {
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  const exists = await admin`select 1 from pg_database where datname = 'kependudukan'`;
  if (exists.length === 0) await admin.unsafe('create database kependudukan');
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = '/kependudukan';
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await sql`select count(*)::int as n from information_schema.tables where table_name = 'penduduk'`;
    if (n === 1) {
      const [{ c }] = await sql`select count(*)::int as c from penduduk`;
      if (c === 10000) return url.toString();
      await sql`drop table penduduk`;
    }
    await sql.begin(async (tx) => {
      await tx.unsafe(`create table penduduk (nik varchar(16) primary key, nama text, tgl_lahir date,
        jenis_kelamin char(1), alamat text, kode_wilayah int)`);
      const rows = pendudukRows();
      for (let i = 0; i < rows.length; i += 1000) {
        const batch = rows.slice(i, i + 1000).map(([nik, nama, tgl, jk, alamat, kode]) => ({
          nik, nama, tgl_lahir: tgl, jenis_kelamin: jk, alamat, kode_wilayah: Number(kode),
        }));
        await tx`insert into penduduk ${tx(batch)}`;
      }
    });
    return url.toString();
  } finally {
    await sql.end();
  }
}

/** MariaDB database `kependudukan`, same table and rows. Returns its URL. */
export async function loadPendudukMysql(): Promise<string> {
  const conn = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await conn.query('create database if not exists kependudukan');
    await conn.query('use kependudukan');
    const [tables] = await conn.query("show tables like 'penduduk'");
    if ((tables as unknown[]).length === 1) {
      const [[{ c }]] = (await conn.query('select count(*) as c from penduduk')) as any;
      if (Number(c) === 10000) return mysqlUrl.replace(/\/[^/]*$/, '/kependudukan');
      await conn.query('drop table penduduk');
    }
    await conn.query(`create table penduduk (nik varchar(16) primary key, nama text, tgl_lahir date,
      jenis_kelamin char(1), alamat text, kode_wilayah int, seq int not null auto_increment unique)`);
    const rows = pendudukRows();
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000).map(([nik, nama, tgl, jk, alamat, kode]) => [nik, nama, tgl, jk, alamat, Number(kode)]);
      await conn.query('insert into penduduk (nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah) values ?', [batch]);
    }
    return mysqlUrl.replace(/\/[^/]*$/, '/kependudukan');
  } finally {
    await conn.end();
  }
}
