import { createWorker, runtime } from '../runtime/index.ts';
import { log } from '../observability/log.ts';
import type { StatsChunk } from './stats-table.ts';
import type { Span } from './track-span.ts';

/** Upkeep the writer runs on a timer, or at once when asked (tests, the admin API). */
export type UpkeepTask = 'checkpoint' | 'prune';

export type ToWriter =
  | { t: 'start'; file: string; intervalMs: number; signingKey: string; checkpointMs: number; pruneMs: number }
  | { t: 'ingest'; id: number; spans: Span[]; stats: StatsChunk[] }
  | { t: 'upkeep'; id: number; task: UpkeepTask }
  | { t: 'stop' };
export type FromWriter =
  | { t: 'started' }
  | { t: 'stopped' }
  | { t: 'ingested'; id: number; upTo: number }
  | { t: 'done'; id: number; result: unknown }
  | { t: 'refused'; id: number; message: string }
  | { t: 'error'; message: string };

/** A checkpoint every 10 s while tracks come: what a tail truncation could take unnoticed. Retention every hour. */
export const CHECKPOINT_MS = 10_000;
export const PRUNE_MS = 3_600_000;

/** SQLite's own threshold (WAL pages) for checkpoints run by the writing connection. */
export const AUTO_CHECKPOINT_PAGES = 1000;

export interface WriterThread {
  /** Resolves once the thread runs (true) or could not start (false: the serving thread writes and checkpoints). */
  ready: Promise<boolean>;
  /** Whether ingest may be called: false before ready, after stop and after a failure. */
  readonly running: boolean;
  /** Moves track-log lines (read from their spans) into the tracks table; resolves with the highest seq once committed. */
  ingest(spans: Span[], stats: StatsChunk[]): Promise<number>;
  /** Runs a checkpoint or the retention now, after the batches sent before it. */
  upkeep(task: UpkeepTask): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The store's writer thread: moves tracks from the track log into the tracks table, signs the trail's checkpoints,
 * applies its retention, and runs WAL checkpoints on a connection of its own, so the serving thread neither commits tracks nor copies pages (a checkpoint's fsyncs
 * held it up to 15 ms). `setAutoCheckpoint` switches the serving connection's own checkpoints off while the
 * thread runs and back on when it stops or fails, so the WAL never grows unchecked. If the thread dies, the
 * batches it had not confirmed are handed back (ingestion is idempotent) and the serving thread ingests again.
 */
export function startWriterThread(
  file: string, signingKey: string, setAutoCheckpoint: (pages: number) => void, intervalMs = 1000,
): WriterThread {
  let worker: Worker;
  try {
    // Inside a compiled binary each extra entrypoint sits under the bundle root by its path in the project.
    const url = runtime.compiled
      ? new URL('./src/store/writer-worker.ts', import.meta.url)
      : new URL('./writer-worker.ts', import.meta.url);
    worker = createWorker(url, 'mantra-store-writer');
  } catch (err) {
    log('warn', 'store writer thread not started; the serving thread writes', { error: String(err) });
    const notRunning = () => Promise.reject(new Error('not running'));
    return { ready: Promise.resolve(false), running: false, ingest: notRunning, upkeep: notRunning, stop: async () => {} };
  }
  let running = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: (result: any) => void; reject: (e: Error) => void }>();
  let settleReady!: (ok: boolean) => void;
  const ready = new Promise<boolean>((resolve) => (settleReady = resolve));
  let onStopped: (() => void) | undefined;
  const rejectPending = (message: string) => {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  };
  const fail = (message: string) => {
    if (running) log('warn', 'store writer thread failed; the serving thread writes', { error: message });
    running = false;
    setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
    settleReady(false);
    rejectPending(`store writer thread failed: ${message}`);
    onStopped?.();
    worker.terminate();
  };
  const settle = (id: number, result: unknown) => {
    const p = pending.get(id);
    pending.delete(id);
    if (result instanceof Error) p?.reject(result);
    else p?.resolve(result);
  };
  worker.onmessage = (e: MessageEvent<FromWriter>) => {
    const msg = e.data;
    if (msg.t === 'ingested') settle(msg.id, msg.upTo);
    else if (msg.t === 'done') settle(msg.id, msg.result);
    else if (msg.t === 'refused') settle(msg.id, new Error(msg.message));
    else if (msg.t === 'started') {
      log('debug', 'store writer thread started', { intervalMs });
      running = true;
      setAutoCheckpoint(0);
      settleReady(true);
    } else if (msg.t === 'stopped') onStopped?.();
    else fail(msg.message);
  };
  worker.onerror = (e: Event) => {
    e.preventDefault?.(); // Deno would otherwise take the whole process down
    fail('the thread stopped');
  };
  worker.postMessage({ t: 'start', file, intervalMs, signingKey, checkpointMs: CHECKPOINT_MS, pruneMs: PRUNE_MS } satisfies ToWriter);
  const ask = <T>(msg: (id: number) => ToWriter) => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage(msg(id));
    });
  };
  return {
    ready,
    get running() {
      return running;
    },
    ingest: (spans, stats) => ask<number>((id) => ({ t: 'ingest', id, spans, stats })),
    upkeep: (task) => ask((id) => ({ t: 'upkeep', id, task })),
    async stop() {
      if (!running) {
        settleReady(false);
        return void worker.terminate();
      }
      running = false;
      setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
      // The thread answers in order: batches sent before the stop are committed (and confirmed) before it stops.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        onStopped = () => {
          clearTimeout(timer);
          resolve();
        };
        worker.postMessage({ t: 'stop' } satisfies ToWriter);
      });
      rejectPending('store writer thread stopped');
      worker.terminate();
    },
  };
}
