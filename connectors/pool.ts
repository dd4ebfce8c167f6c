import { cpus } from 'node:os';
import { createWorker, runtime } from '../src/runtime/index.ts';
import { Cancel } from './cancel.ts';
import type { ColumnInfo, TableInfo } from './driver.ts';
import { ConnectorError, type JobError } from './errors.ts';
import { Credit } from './job/credit.ts';
import { DriverHost } from './job/host.ts';
import type { JobSink } from './job/output.ts';
import { runJob } from './job/run.ts';
import { Outbox } from './job/outbox.ts';
import { JobStream } from './job/stream.ts';
import {
  type AdminCall,
  DEFAULT_BATCH,
  DEFAULT_WINDOW,
  type FromWorker,
  type JobEvent,
  type QueryJob,
  type ToWorker,
  type WireJob,
  type WireRef,
} from './job/types.ts';
import type { ConnectorRef } from './types.ts';

export type { JobEvent, QueryJob } from './job/types.ts';

export interface PoolOptions {
  /** Worker threads; 0 runs every job inline on this thread through the same handler. Default: the core count. */
  size?: number;
  /** Rows per batch read from a database. */
  batchSize?: number;
  /** Data events in flight before a job waits for its consumer. */
  window?: number;
}

export interface ConnectorPool {
  readonly size: number;
  run(job: QueryJob, signal?: AbortSignal): AsyncIterable<JobEvent> & AsyncIterator<JobEvent>;
  test(connector: ConnectorRef): Promise<void>;
  tables(connector: ConnectorRef): Promise<TableInfo[]>;
  columns(connector: ConnectorRef, table: string): Promise<ColumnInfo[]>;
  close(): Promise<void>;
}

const stopped = (message: string): JobError => ({ kind: 'unavailable', message });
const fromJobError = (e: JobError) => new ConnectorError(e.kind, e.message, e.detail);

export function createPool(opts: PoolOptions = {}): ConnectorPool {
  const size = Math.max(0, Math.floor(opts.size ?? (cpus().length || 1)));
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const window = opts.window ?? DEFAULT_WINDOW;
  return size === 0 ? inlinePool(batchSize, window) : threadPool(size, batchSize, window);
}

/** Jobs on this thread: the measurement baseline, and the same code path as a worker's. */
function inlinePool(batchSize: number, window: number): ConnectorPool {
  const host = new DriverHost(1);
  const running = new Set<Cancel>();
  let closed = false;
  const call = (c: ConnectorRef, admin: AdminCall) =>
    closed ? Promise.reject(fromJobError(stopped('the connector pool is closed'))) : host.call(c, admin);
  return {
    size: 0,
    run(job, signal) {
      const ctrl = new Cancel();
      const credit = new Credit(window);
      const stream = new JobStream((n) => credit.ack(n), () => {
        credit.close();
        ctrl.abort();
      }, signal);
      if (closed) {
        stream.push([{ type: 'error', error: stopped('the connector pool is closed') }]);
        return stream;
      }
      const sink: JobSink = {
        send(events) {
          for (const ev of events) if (ev.type === 'chunk' || ev.type === 'rows') credit.sent();
          stream.push(events);
        },
        credit: () => credit.wait(),
      };
      running.add(ctrl);
      runJob(job, host, sink, ctrl, batchSize).finally(() => running.delete(ctrl));
      return stream;
    },
    test: (c) => call(c, { op: 'test' }) as Promise<void>,
    tables: (c) => call(c, { op: 'tables' }) as Promise<TableInfo[]>,
    columns: (c, table) => call(c, { op: 'columns', table }) as Promise<ColumnInfo[]>,
    async close() {
      closed = true;
      for (const ctrl of running) ctrl.abort();
      await host.close();
    },
  };
}

interface Call {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * The worker's module. Inside a `bun build --compile` binary import.meta.url names the binary at the bundle root,
 * and each extra entrypoint sits under that root by its path in the project (connectors/worker.ts).
 */
function workerUrl(): URL {
  return runtime.compiled ? new URL('./connectors/worker.ts', import.meta.url) : new URL('./worker.ts', import.meta.url);
}

/** One worker thread and what it is doing. */
class Thread {
  worker: Worker;
  active = 0;
  jobs = new Map<number, JobStream>();
  calls = new Map<number, Call>();
  /** Connector versions this worker has the configuration of. */
  known = new Map<string, number>();
  dead = false;
  onClosed: (() => void) | undefined;

  #outbox: Outbox<ToWorker>;

  constructor(init: ToWorker, private onDeath: (t: Thread) => void) {
    this.worker = createWorker(workerUrl(), 'mantra-connectors');
    this.#outbox = new Outbox((msgs) => this.dead || this.worker.postMessage(msgs));
    this.worker.onmessage = (e: MessageEvent<FromWorker[]>) => {
      for (const msg of e.data) this.#receive(msg);
    };
    this.worker.onerror = (e: Event) => {
      e.preventDefault?.(); // Deno would otherwise take the whole process down
      this.die('the connector worker stopped');
    };
    this.worker.onmessageerror = () => this.die('the connector worker sent an unreadable message');
    this.post(init);
  }

  post(msg: ToWorker) {
    if (!this.dead) this.#outbox.send(msg);
  }

  /** The reference to send: without configuration when this worker already has this version. */
  ref(c: ConnectorRef): WireRef {
    if ((this.known.get(c.id) ?? -1) >= c.version) return { id: c.id, version: c.version };
    this.known.set(c.id, c.version);
    return c;
  }

  #receive(msg: FromWorker) {
    switch (msg.t) {
      case 'events': {
        const stream = this.jobs.get(msg.id);
        if (!stream) return;
        stream.push(msg.events);
        if (stream.ended) {
          this.jobs.delete(msg.id);
          this.active--;
        }
        return;
      }
      case 'result': {
        const call = this.calls.get(msg.id);
        if (!call) return;
        this.calls.delete(msg.id);
        this.active--;
        msg.error ? call.reject(fromJobError(msg.error)) : call.resolve(msg.value);
        return;
      }
      case 'closed':
        this.onClosed?.();
    }
  }

  /** Fails everything in flight and takes the worker out of service. */
  die(message: string) {
    if (this.dead) return;
    this.dead = true;
    for (const stream of this.jobs.values()) stream.push([{ type: 'error', error: stopped(message) }]);
    for (const call of this.calls.values()) call.reject(fromJobError(stopped(message)));
    this.jobs.clear();
    this.calls.clear();
    this.active = 0;
    this.worker.terminate();
    this.onDeath(this);
  }
}

function threadPool(size: number, batchSize: number, window: number): ConnectorPool & { _crash(): void } {
  const threads: Thread[] = [];
  const init: ToWorker = { t: 'init', threads: size, batchSize, window };
  let nextId = 1;
  let closed = false;
  const remove = (t: Thread) => {
    const i = threads.indexOf(t);
    if (i >= 0) threads.splice(i, 1);
  };

  /** The least busy worker; a new one while there is room and every worker has work. */
  function pick(): Thread {
    let best: Thread | undefined;
    for (const t of threads) if (!best || t.active < best.active) best = t;
    if ((!best || best.active > 0) && threads.length < size) {
      best = new Thread(init, remove);
      threads.push(best);
    }
    return best!;
  }

  function call<T>(connector: ConnectorRef, c: AdminCall): Promise<T> {
    if (closed) return Promise.reject(fromJobError(stopped('the connector pool is closed')));
    const t = pick();
    const id = nextId++;
    t.active++;
    return new Promise<T>((resolve, reject) => {
      t.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      t.post({ t: 'call', id, connector: t.ref(connector), call: c });
    });
  }

  return {
    size,
    run(job, signal) {
      if (closed) {
        const s = new JobStream(() => {}, () => {}, signal);
        s.push([{ type: 'error', error: stopped('the connector pool is closed') }]);
        return s;
      }
      const t = pick();
      const id = nextId++;
      const stream = new JobStream(
        (n) => t.post({ t: 'ack', id, n }),
        () => t.post({ t: 'cancel', id }),
        signal,
      );
      t.jobs.set(id, stream);
      t.active++;
      const wire: WireJob = { ...job, connector: t.ref(job.connector) };
      t.post({ t: 'run', id, job: wire });
      return stream;
    },
    test: (c) => call<void>(c, { op: 'test' }),
    tables: (c) => call<TableInfo[]>(c, { op: 'tables' }),
    columns: (c, table) => call<ColumnInfo[]>(c, { op: 'columns', table }),
    _crash: () => threads[0]?.post({ t: 'crash' }),
    async close() {
      if (closed) return;
      closed = true;
      const all = threads.splice(0);
      await Promise.all(all.map(async (t) => {
        // Let the worker close its database connections, briefly; then stop it regardless.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          t.onClosed = () => {
            clearTimeout(timer);
            resolve();
          };
          t.post({ t: 'close' });
        });
        t.die('the connector pool is closed');
      }));
    },
  };
}

/** Test hook: makes one worker throw outside any handler, as a real crash would. */
export function crashOneWorker(pool: ConnectorPool): void {
  (pool as { _crash?: () => void })._crash?.();
}
