/** Starts the hand-written Bun endpoints of endpoints/ on free ports. */
import path from 'node:path';
import { freePort, pinning, start, waitForHttp, type Child } from './processes.ts';
import { BUN, ROOT, POOL_SIZE } from './mantra.ts';

export interface Endpoint {
  child: Child;
  base: string;
}

async function startEndpoint(name: string, file: string, cpu: string, env: Record<string, string> = {}, probe = '/'): Promise<Endpoint> {
  const port = await freePort();
  const child = start(name, [BUN, path.join(ROOT, 'scripts/bench/endpoints', file)], {
    cpu,
    cwd: ROOT,
    env: { BENCH_PORT: String(port), BENCH_POOL: String(POOL_SIZE), ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(child, base + probe);
  return { child, base };
}

/** The small backend. On the load CPU by default: it serves the server under test, which keeps CPU 0 to itself. */
export const startBackend = (cpu = pinning.load, upstream?: string) =>
  startEndpoint('backend', 'backend.ts', cpu, upstream ? { BENCH_UPSTREAM: upstream } : {}, '/hello');

export const startPgEndpoint = (dbUrl: string) => startEndpoint('pg endpoint', 'pg.ts', pinning.server, { BENCH_DB_URL: dbUrl });

export const startMysqlEndpoint = (dbUrl: string) =>
  startEndpoint('mysql endpoint', 'mysql.ts', pinning.server, { BENCH_DB_URL: dbUrl });
