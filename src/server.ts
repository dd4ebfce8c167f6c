import os from 'node:os';
import fs from 'node:fs';
import { StoreError, type Store } from './store/index.ts';
import { openStore } from './store/open-store.ts';
import { loadMasterKey, Secrets } from './security/index.ts';
import { createPool } from '../connectors/pool.ts';
import { createNotifier } from './notifications/notifier.ts';
import { type ExpiryWatch, startExpiryWatch } from './notifications/expiry-watch.ts';
import { createApp, type MantraApp } from './app.ts';
import { trustedProxiesOf, withRequestId } from './app-env.ts';
import { type RequestLimits, runtime, type Server } from './runtime/index.ts';
import { ensureFirstAdmin } from './admin-api/first-admin.ts';
import { ipAllowed } from './security/ip-allowlist.ts';
import type { RedisCounter } from './limits/redis.ts';

export interface ServeConfig {
  dataDir: string;
  port: number;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Worker threads for connectors; undefined = the store's setting, else the number of cores. */
  workers?: number;
  /** Changes to requestLimits (tests shorten them). */
  limits?: Partial<RequestLimits>;
  /** redis:// URL: rate limits and quotas count there, across nodes (--redis, MANTRA_REDIS). */
  redis?: string;
  /** postgres:// URL: the cluster store shared by every node (--store, MANTRA_STORE); absent = the embedded file. */
  store?: string;
  /** This node's id in the cluster instead of DATA/node-id (--node, MANTRA_NODE). */
  node?: string;
}

/**
 * How long a client may take to send a request, and how much one address may hold at once: a body must come at
 * 1 KB/s on average after its first 5 s and be whole within 30 s, else 408 and the connection closed; the 65th
 * upload (Bun) or connection (Deno) of one address is refused with 429. A head has about 10 s under either runtime.
 */
export const requestLimits: RequestLimits = {
  bodyTimeoutMs: 30_000,
  minBodyBytesPerSecond: 1024,
  bodyGraceMs: 5_000,
  maxPerClient: 64,
};

export interface Running extends MantraApp {
  server: Server;
  store: Store;
  secrets: Secrets;
  firstAdmin: { username: string; password?: string; created: boolean };
  /** Hourly: subscriptions past their expiry become expired, and requesters are warned 7 days before. */
  expiry: ExpiryWatch;
  stop(): Promise<void>;
}

/**
 * Worker threads pay off for answers of about 100 rows and more, given a core for them beside the serving thread
 * and the database: they take the driver and the encoding off the serving thread (10,000 rows: 5.7 of 27.9 ms of
 * CPU stay on it; 100 rows: 191 of 448 µs), so one worker core allows about 1.4× the inline rate, two 2.3-2.8×.
 * A by-key answer never gains: the thread hop costs the serving thread more than the whole inline call (149
 * against 122 µs), so a service of by-key calls only is faster with --workers 0 on any machine. On 2 cores there
 * is no core to spare and inline wins (scripts/bench, scenario "workers", which splits the CPU per thread).
 */
function defaultWorkers(): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return cores > 2 ? cores - 1 : 0;
}

/**
 * Nodes of a new cluster starting together: one makes the administrator; the others' writes conflict and they find
 * it once the change has reached their copy of the configuration (milliseconds; the copy catches up within a second).
 */
async function firstAdminOf(admin: () => ReturnType<typeof ensureFirstAdmin>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin();
    } catch (err) {
      if (!(err instanceof StoreError && err.reason === 'conflict') || attempt >= 30) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Opens the store, the worker pool and the HTTP server. Fails with a clear message, never half-started. */
export async function startServer(config: ServeConfig): Promise<Running> {
  const store = await openStore({ dataDir: config.dataDir, store: config.store, node: config.node });
  let counter: RedisCounter | undefined;
  try {
    const secrets = new Secrets(loadMasterKey(config.dataDir));
    const admin = () => ensureFirstAdmin(store, { password: process.env.MANTRA_ADMIN_PASSWORD || undefined });
    const firstAdmin = await firstAdminOf(admin);
    const settings = (await store.get('settings', 'settings'))?.body;
    const workers = config.workers ?? settings?.workers ?? defaultWorkers();
    // Loaded only when asked for: the Redis client stays out of a single node's start.
    counter = config.redis
      ? await (await import('./limits/redis.ts')).openRedisCounter(config.redis, { nodes: () => store.liveNodes?.() ?? 1 })
      : undefined;
    const pool = createPool({ size: workers });
    const mantra = createApp({ store, secrets, pool, dataDir: config.dataDir, limits: counter });
    const writer = store.startWriter?.();
    const server = await runtime.serve({
      port: config.port,
      hostname: config.host,
      tls: config.tlsCert && config.tlsKey
        ? { cert: fs.readFileSync(config.tlsCert, 'utf8'), key: fs.readFileSync(config.tlsKey, 'utf8') }
        : undefined,
      maxRequestBodySize: 64 * 1024 * 1024,
      limits: {
        ...requestLimits,
        // A trusted reverse proxy carries many callers: the cap would count them all as one.
        uncapped: (address) => ipAllowed(address, mantra.registry.settings.trustedProxies),
        ...config.limits,
      },
      fetch: withRequestId((req, env) => mantra.fetch(req, env), trustedProxiesOf(mantra.registry)),
    });
    const notifier = createNotifier({ store, secrets });
    const expiry = startExpiryWatch({ store, notifier });
    let stopping: Promise<void> | undefined;
    return {
      ...mantra, server, store, secrets, firstAdmin, expiry,
      // A second call (a second signal) waits for the first stop instead of cutting it short.
      stop: () => (stopping ??= (async () => {
        await expiry.stop();
        await server.stop();
        notifier.close();
        await mantra.tracker.flush();
        await pool.close();
        await writer?.stop();
        await counter?.close();
        await store.close();
      })()),
    };
  } catch (err) {
    await counter?.close();
    await store.close();
    throw err;
  }
}
