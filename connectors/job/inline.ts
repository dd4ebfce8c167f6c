import { Cancel } from '../cancel.ts';
import type { ColumnInfo, TableInfo } from '../driver.ts';
import type { ConnectorPool } from '../pool.ts';
import type { ConnectorRef } from '../types.ts';
import { fromJobError, poolClosed } from './closed.ts';
import { Credit } from './credit.ts';
import { DriverHost } from './host.ts';
import type { JobSink } from './output.ts';
import { runJob } from './run.ts';
import { JobStream } from './stream.ts';
import type { AdminCall } from './types.ts';

/** Jobs on this thread: the measurement baseline, and the same code path as a worker's. */
export function inlinePool(batchSize: number, window: number): ConnectorPool {
  const host = new DriverHost(1);
  const running = new Set<() => void>();
  let closed = false;
  const call = (c: ConnectorRef, admin: AdminCall) =>
    closed ? Promise.reject(fromJobError(poolClosed)) : host.call(c, admin);
  return {
    size: 0,
    run(job, signal) {
      const ctrl = new Cancel();
      const credit = new Credit(window);
      const stop = () => {
        credit.close();
        ctrl.abort();
      };
      const stream = new JobStream((n) => credit.ack(n), stop, signal);
      if (closed) {
        stream.push([{ type: 'error', error: poolClosed }]);
        return stream;
      }
      const sink: JobSink = {
        send(events) {
          for (const ev of events) if (ev.type === 'chunk' || ev.type === 'rows') credit.sent();
          stream.push(events);
        },
        credit: () => credit.wait(),
      };
      const shut = () => {
        stream.push([{ type: 'error', error: poolClosed }]);
        stop();
      };
      running.add(shut);
      runJob(job, host, sink, ctrl, batchSize).finally(() => running.delete(shut));
      return stream;
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

