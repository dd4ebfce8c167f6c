import { Cancel } from '../cancel.ts';
import type { ColumnInfo, TableInfo } from '../driver.ts';
import type { ConnectorPool, JobReading } from './types.ts';
import type { ConnectorRef } from '../types.ts';
import { fromJobError, poolClosed } from './closed.ts';
import { Credit } from './credit.ts';
import { DriverHost } from './host.ts';
import type { JobSink } from './output.ts';
import { runJob } from './run.ts';
import { JobStream } from './stream.ts';
import type { AdminCall, JobEvent, QueryJob } from './types.ts';

/** Jobs on this thread: the measurement baseline, and the same code path as a worker's. */
export function inlinePool(batchSize: number, window: number): ConnectorPool {
  const host = new DriverHost(1);
  const running = new Set<() => void>();
  let closed = false;
  const call = (c: ConnectorRef, admin: AdminCall) =>
    closed ? Promise.reject(fromJobError(poolClosed)) : host.call(c, admin);

  /** A job's cancel switch, its backpressure, and `stop`, which ends both. */
  function controls() {
    const ctrl = new Cancel();
    const credit = new Credit(window);
    const stop = () => {
      credit.close();
      ctrl.abort();
    };
    return { ctrl, credit, stop };
  }
  type Controls = ReturnType<typeof controls>;

  /** Starts a job; `deliver` gets its events. */
  function start(job: QueryJob, deliver: (events: JobEvent[]) => void, { ctrl, credit, stop }: Controls) {
    const sink: JobSink = {
      send(events) {
        for (const ev of events) if (ev.type === 'chunk' || ev.type === 'rows') credit.sent();
        deliver(events);
      },
      credit: () => credit.wait(),
    };
    const shut = () => {
      deliver([{ type: 'error', error: poolClosed }]);
      stop();
    };
    running.add(shut);
    runJob(job, host, sink, ctrl, batchSize).finally(() => running.delete(shut));
  }

  return {
    size: 0,
    run(job, signal) {
      const c = controls();
      const stream = new JobStream((n) => c.credit.ack(n), c.stop, signal);
      if (closed) stream.push([{ type: 'error', error: poolClosed }]);
      else start(job, (events) => stream.push(events), c);
      return stream;
    },
    read(job): JobReading {
      const c = controls();
      let settle!: (v: JobEvent[] | JobStream) => void;
      const done = new Promise<JobEvent[] | JobStream>((resolve) => (settle = resolve));
      let stream: JobStream | undefined;
      const deliver = (events: JobEvent[]) => {
        if (!stream) {
          const last = events[events.length - 1];
          // The whole answer in one message: no stream needed.
          if (last?.type === 'end' || last?.type === 'error') return settle(events);
          stream = new JobStream((n) => c.credit.ack(n), c.stop);
          settle(stream);
        }
        stream.push(events);
      };
      if (closed) settle([{ type: 'error', error: poolClosed }]);
      else start(job, deliver, c);
      return { done, cancel: () => (stream ? void stream.return() : c.stop()) };
    },
    test: (c) => call(c, { op: 'test' }) as Promise<void>,
    tables: (c) => call(c, { op: 'tables' }) as Promise<TableInfo[]>,
    columns: (c, table) => call(c, { op: 'columns', table }) as Promise<ColumnInfo[]>,
    stats: () => ({ active: [running.size] }),
    async close() {
      closed = true;
      for (const shut of running) shut();
      await host.close();
    },
  };
}

