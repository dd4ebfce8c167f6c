import type { ColumnInfo, TableInfo } from '../driver.ts';
import type { ConnectorPool } from './types.ts';
import type { ConnectorRef } from '../types.ts';
import { fromJobError, poolClosed, stopped } from './closed.ts';
import { Outbox } from './outbox.ts';
import { JobStream } from './stream.ts';
import type { AdminCall, FromWorker, ToWorker, WireJob, WireRef } from './types.ts';

interface Call {
  resolve(value: unknown): void;
  reject(err: unknown): void;
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

  constructor(spawn: () => Worker, init: ToWorker, private onDeath: (t: Thread) => void) {
    this.worker = spawn();
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

/** Jobs on up to `size` worker threads, started as needed; each job goes to the least busy one. */
export function threadPool(
  spawn: () => Worker,
  size: number,
  batchSize: number,
  window: number,
): ConnectorPool & { _crash(): void } {
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
      best = new Thread(spawn, init, remove);
      threads.push(best);
    }
    return best!;
  }

  function call<T>(connector: ConnectorRef, c: AdminCall): Promise<T> {
    if (closed) return Promise.reject(fromJobError(poolClosed));
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
        s.push([{ type: 'error', error: poolClosed }]);
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
    read(job) {
      // Events arrive by message from the worker: the stream is the cheap part here.
      const stream = this.run(job);
      return { done: Promise.resolve(stream), cancel: () => void stream.return?.() };
    },
    test: (c) => call<void>(c, { op: 'test' }),
    tables: (c) => call<TableInfo[]>(c, { op: 'tables' }),
    columns: (c, table) => call<ColumnInfo[]>(c, { op: 'columns', table }),
    stats: () => ({ active: threads.map((t) => t.active) }),
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
        t.die(poolClosed.message);
      }));
    },
  };
}

