/**
 * The reference for Mantra's data scenario over MariaDB: a minimal hand-written Bun + `mysql2` endpoint running
 * the same by-key statement (prepared via execute(), the same pool size) and answering plain JSON.
 * Env: BENCH_PORT, BENCH_DB_URL, BENCH_POOL.
 */
import mysql from 'mysql2/promise';

const pool = mysql.createPool({ uri: process.env.BENCH_DB_URL!, connectionLimit: Number(process.env.BENCH_POOL ?? 5) });

Bun.serve({
  port: Number(process.env.BENCH_PORT),
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === '/by-key') {
      const [rows] = await pool.execute(
        'select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah from penduduk where nik = ?',
        [url.searchParams.get('nik') ?? ''],
      );
      return Response.json({ data: rows });
    }
    return new Response('not found\n', { status: 404 });
  },
});
console.log('mysql endpoint listening');
