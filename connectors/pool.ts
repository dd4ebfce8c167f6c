/**
 * The connector pool: database jobs run on worker threads (or inline, size 0, through the same job handler) and
 * come back as a stream of events. Only plain or transferable data crosses the thread boundary.
 */
import { cpus } from 'node:os';
import { createWorker, runtime } from '../src/runtime/index.ts';
import { inlinePool } from './job/inline.ts';
import { threadPool } from './job/threads.ts';
import { type ConnectorPool, DEFAULT_BATCH, DEFAULT_WINDOW } from './job/types.ts';

export type { ConnectorPool, JobEvent, JobOutput, JobReading, QueryJob } from './job/types.ts';

export interface PoolOptions {
  /** Worker threads; 0 runs every job inline on this thread through the same handler. Default: the core count. */
  size?: number;
  /** Rows per batch read from a database. */
  batchSize?: number;
  /** Data events in flight before a job waits for its consumer. */
  window?: number;
}

export function createPool(opts: PoolOptions = {}): ConnectorPool {
  const size = Math.max(0, Math.floor(opts.size ?? (cpus().length || 1)));
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const window = opts.window ?? DEFAULT_WINDOW;
  return size === 0 ? inlinePool(batchSize, window) : threadPool(spawnWorker, size, batchSize, window);
}

/**
 * A connector worker. Inside a `bun build --compile` binary import.meta.url names the binary at the bundle root,
 * and each extra entrypoint sits under that root by its path in the project: connectors/worker.ts.
 */
function spawnWorker(): Worker {
  const url = runtime.compiled ? new URL('./connectors/worker.ts', import.meta.url) : new URL('./worker.ts', import.meta.url);
  return createWorker(url, 'mantra-connectors');
}

/** Test hook: makes one worker throw outside any handler, as a real crash would. */
export function crashOneWorker(pool: ConnectorPool): void {
  (pool as { _crash?: () => void })._crash?.();
}
