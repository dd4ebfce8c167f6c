/** The fastify + @fastify/http-proxy gateway (fastify-gateway.mjs) under node, pinned like nginx. */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../mantra.ts';
import { freePort, pinning, start, waitForHttp, type Child } from '../processes.ts';

export const NODE = process.env.BENCH_NODE ?? 'node';

/** Why the peer cannot run here (not installed), or undefined. */
export function fastifyMissing(): string | undefined {
  if (spawnSync(NODE, ['--version'], { stdio: 'ignore' }).status !== 0) return `node not found (${NODE})`;
  for (const pkg of ['fastify', '@fastify/http-proxy']) {
    if (!fs.existsSync(path.join(ROOT, 'node_modules', pkg, 'package.json'))) return `${pkg} not installed (npm install)`;
  }
  return undefined;
}

export async function startFastify(upstream: string): Promise<{ child: Child; base: string }> {
  const port = await freePort();
  const child = start('fastify gateway', [NODE, path.join(ROOT, 'scripts/bench/peers/fastify-gateway.mjs')], {
    cpu: pinning.server,
    cwd: ROOT,
    env: { BENCH_PORT: String(port), BENCH_UPSTREAM: upstream, NODE_ENV: 'production' },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${base}/hello`);
  return { child, base };
}
