/**
 * A tiny Bun HTTP server for the benchmarks, in three roles (BENCH_PORT, optional BENCH_UPSTREAM):
 *   /hello        "ok" (the runtime's own HTTP ceiling, next to nginx's `return 200`)
 *   /item         a fixed JSON document (the proxy scenario's backend)
 *   /slow?ms=50   the same JSON after a delay (the composite scenario's backends)
 *   /fanout?ms=50 three concurrent /slow calls to BENCH_UPSTREAM, merged (the composite scenario's reference)
 *   /relay        BENCH_UPSTREAM's /item passed on with fetch() (a hand-written Bun proxy, the runtime's own ceiling)
 *   /relay-http1  the same with Mantra's keep-alive HTTP/1.1 client (connectors/proxy/http1) instead of fetch()
 */
import { Http1Client } from '../../../connectors/proxy/http1/client.ts';
import { route } from '../../../connectors/proxy/http1/target.ts';

const port = Number(process.env.BENCH_PORT);
const upstream = process.env.BENCH_UPSTREAM;
const item = JSON.stringify({ id: 42, nik: '3201000000000042', nama: 'Penduduk 42', kode_wilayah: 3201042 });
const json = { 'content-type': 'application/json' };
const http1 = new Http1Client();
const upstreamItem = upstream && route(`${upstream}/item`);

Bun.serve({
  port,
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url);
    switch (url.pathname) {
      case '/hello':
        return new Response('ok\n');
      case '/item':
        return new Response(item, { headers: json });
      case '/slow':
        await Bun.sleep(Number(url.searchParams.get('ms') ?? 50));
        return new Response(item, { headers: json });
      case '/relay': {
        const res = await fetch(`${upstream}/item`);
        return new Response(await res.arrayBuffer(), { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' } });
      }
      case '/relay-http1': {
        const res = await http1.send(upstreamItem!, { method: 'GET', url: `${upstream}/item`, headers: {}, idempotent: true },
          { deadline: Date.now() + 10_000, headersTimeoutMs: 10_000, maxBytes: 1 << 20 });
        return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? '' } });
      }
      case '/fanout': {
        const ms = url.searchParams.get('ms') ?? '50';
        const parts = await Promise.all(
          ['a', 'b', 'c'].map((name) => fetch(`${upstream}/slow?ms=${ms}&step=${name}`).then((r) => r.json())),
        );
        return Response.json({ data: { a: parts[0], b: parts[1], c: parts[2] } });
      }
    }
    return new Response('not found\n', { status: 404 });
  },
});
console.log(`backend listening on ${port}`);
