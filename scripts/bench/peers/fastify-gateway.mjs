/**
 * The Node gateway a team would write instead of Mantra: fastify with @fastify/http-proxy (undici keep-alive pool
 * to the upstream, fastify's defaults otherwise), no logger. Env: BENCH_PORT, BENCH_UPSTREAM. Run under node.
 */
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const port = Number(process.env.BENCH_PORT);
const upstream = process.env.BENCH_UPSTREAM;
if (!port || !upstream) {
  console.error('fastify-gateway: BENCH_PORT and BENCH_UPSTREAM are required');
  process.exit(2);
}

const app = Fastify({ logger: false });
await app.register(proxy, {
  upstream,
  // reply-from's default undici settings, written out: 128 connections, no pipelining, 60 s keep-alive.
  undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 },
});
await app.listen({ port, host: '127.0.0.1' });
console.log(`fastify gateway listening on ${port}`);
