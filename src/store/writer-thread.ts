import { createWorker, runtime } from '../runtime/index.ts';
import { log } from '../observability/log.ts';
import type { TrackInput } from './types.ts';

export type ToWriter =
  | { t: 'start'; file: string; intervalMs: number }
  | { t: 'tracks'; id: number; rows: TrackInput[] }
  | { t: 'stop' };
export type FromWriter =
  | { t: 'started' }
  | { t: 'stopped' }
  | { t: 'written'; id: number }
  | { t: 'refused'; id: number; message: string }
  | { t: 'error'; message: string };

/** SQLite's own threshold (WAL pages) for checkpoints run by the writing connection. */
export const AUTO_CHECKPOINT_PAGES = 1000;

export interface WriterThread {
  /** Resolves once the thread runs (true) or could not start (false: the serving thread writes and checkpoints). */
  ready: Promise<boolean>;
  /** Whether appendTracks may be called: false before ready, after stop and after a failure. */
  readonly running: boolean;
  /** Resolves once the tracks are committed. */
  appendTracks(rows: TrackInput[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The store's writer thread: appends tracks and runs WAL checkpoints on a connection of its own, so the serving
 * thread neither commits nor copies pages. Measured on 2 cores (scripts/bench/cpu-per-call.ts pg): a track cost
 * the serving thread about 27 µs when committed there (a commit per event-loop turn) and a checkpoint's fsyncs
 * held it up to 15 ms. `setAutoCheckpoint` switches the serving connection's own checkpoints off while the thread
 * runs and back on when it stops or fails, so the WAL never grows unchecked. If the thread dies, the tracks it
 * had not confirmed fail (their calls answer an error: no answer without evidence) and later ones are written
 * by the serving thread again.
 */
export function startWriterThread(file: string, setAutoCheckpoint: (pages: number) => void, intervalMs = 250): WriterThread {
  let worker: Worker;
  try {
    // Inside a compiled binary each extra entrypoint sits under the bundle root by its path in the project.
    const url = runtime.compiled
      ? new URL('./src/store/writer-worker.ts', import.meta.url)
      : new URL('./writer-worker.ts', import.meta.url);
    worker = createWorker(url, 'mantra-store-writer');
  } catch (err) {
    log('warn', 'store writer thread not started; the serving thread writes', { error: String(err) });
    return { ready: Promise.resolve(false), running: false, appendTracks: () => Promise.reject(new Error('not running')), stop: async () => {} };
  }
  let running = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
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
  const settle = (id: number, err?: Error) => {
    const p = pending.get(id);
    pending.delete(id);
    if (err) p?.reject(err);
    else p?.resolve();
  };
  worker.onmessage = (e: MessageEvent<FromWriter>) => {
    const msg = e.data;
    if (msg.t === 'written') settle(msg.id);
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
  worker.postMessage({ t: 'start', file, intervalMs } satisfies ToWriter);
  return {
    ready,
    get running() {
      return running;
    },
    appendTracks(rows) {
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ t: 'tracks', id, rows } satisfies ToWriter);
      });
    },
    async stop() {
      if (!running) {
        settleReady(false);
        return void worker.terminate();
      }
      running = false;
      setAutoCheckpoint(AUTO_CHECKPOINT_PAGES);
      // The thread answers in order: tracks sent before the stop are committed (and confirmed) before it stops.
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
