/**
 * The data behind the data scenarios: penduduk (10,000 rows) in PostgreSQL and MariaDB, loaded by the tests' own
 * loader, and a table of its own for the export scenario (generate_series in database `mantra_bench`), created
 * once and reused while it has the expected row count.
 */
import postgres from 'postgres';

export const PG_URL = process.env.BENCH_PG ?? process.env.MANTRA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.BENCH_MYSQL ?? process.env.MANTRA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';
export const EXPORT_DB = 'mantra_bench';
export const EXPORT_TABLE = 'export_rows';
export const EXPORT_TOTAL = 1_000_000;
export const EXPORT_COLUMNS = ['id', 'nik', 'nama', 'tgl_lahir', 'alamat', 'kode_wilayah'];

let pg: Promise<string> | undefined;
let my: Promise<string> | undefined;
let exp: Promise<string> | undefined;

/** URL of database `kependudukan` in PostgreSQL with table penduduk. */
export function pendudukPg(): Promise<string> {
  return (pg ??= (async () => {
    process.env.MANTRA_TEST_PG ??= PG_URL;
    const { loadPendudukPg } = await import('../../test/support/penduduk.ts');
    return loadPendudukPg();
  })());
}

/** URL of database `kependudukan` in MariaDB with table penduduk. */
export function pendudukMysql(): Promise<string> {
  return (my ??= (async () => {
    process.env.MANTRA_TEST_MYSQL ??= MYSQL_URL;
    const { loadPendudukMysql } = await import('../../test/support/penduduk.ts');
    return loadPendudukMysql();
  })());
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** URL of database mantra_bench with table export_rows (1,000,000 rows, id 1..N). */
export function exportDatabase(log: (m: string) => void): Promise<string> {
  return (exp ??= (async () => {
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    try {
      const found = await admin`select 1 from pg_database where datname = ${EXPORT_DB}`;
      if (found.length === 0) await admin.unsafe(`create database ${EXPORT_DB}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(PG_URL, EXPORT_DB);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [{ n }] = await sql`select count(*)::int as n from information_schema.tables where table_name = ${EXPORT_TABLE}`;
      if (n === 1) {
        const [{ c }] = await sql`select count(*)::int as c from ${sql(EXPORT_TABLE)}`;
        if (c === EXPORT_TOTAL) return url;
        await sql`drop table ${sql(EXPORT_TABLE)}`;
      }
      log(`creating ${EXPORT_DB}.${EXPORT_TABLE} (${EXPORT_TOTAL.toLocaleString('en')} rows, once)`);
      await sql.unsafe(`create table ${EXPORT_TABLE} as
        select i as id,
               '3201' || lpad(i::text, 12, '0') as nik,
               'Penduduk ' || i as nama,
               date '1950-01-01' + (i % 20000) as tgl_lahir,
               'Jl. Merdeka No. ' || (i % 200 + 1) || ', RT ' || lpad((i % 12 + 1)::text, 2, '0') || '/RW '
                 || lpad((i % 9 + 1)::text, 2, '0') as alamat,
               3201000 + (i % 1000) as kode_wilayah
        from generate_series(1, ${EXPORT_TOTAL}) as i`);
      await sql.unsafe(`alter table ${EXPORT_TABLE} add primary key (id)`);
      await sql.unsafe(`vacuum analyze ${EXPORT_TABLE}`);
      return url;
    } finally {
      await sql.end();
    }
  })());
}
