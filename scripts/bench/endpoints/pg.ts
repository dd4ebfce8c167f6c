/**
 * The reference for Mantra's data scenarios over PostgreSQL: a minimal hand-written Bun + `postgres` endpoint
 * running the same statements (prepared, the same pool size) and answering plain JSON.
 * Env: BENCH_PORT, BENCH_DB_URL, BENCH_POOL.
 */
import postgres from 'postgres';

const sql = postgres(process.env.BENCH_DB_URL!, { max: Number(process.env.BENCH_POOL ?? 5), prepare: true });

Bun.serve({
  port: Number(process.env.BENCH_PORT),
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url);
    switch (url.pathname) {
      case '/by-key': {
        const nik = url.searchParams.get('nik') ?? '';
        const rows = await sql`select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah
          from penduduk where nik = ${nik}`;
        return Response.json({ data: rows });
      }
      case '/list': {
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const rows = await sql`select nik, nama, tgl_lahir, jenis_kelamin, alamat, kode_wilayah
          from penduduk limit ${limit}`;
        return Response.json({ data: rows });
      }
    }
    return new Response('not found\n', { status: 404 });
  },
});
console.log('pg endpoint listening');
