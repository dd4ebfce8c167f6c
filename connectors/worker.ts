/**
 * A connector worker thread: runs jobs for the pool (connectors/pool.ts) with one driver pool per connector.
 * Only plain data and transferred byte buffers cross to the main thread.
 */
import { Cancel } from './cancel.ts';
import { asConnectorError } from './errors.ts';
import { Credit } from './job/credit.ts';
import { DriverHost } from './job/host.ts';
import type { JobSink } from './job/output.ts';
import { Outbox } from './job/outbox.ts';
import { runJob } from './job/run.ts';
import { DEFAULT_BATCH, DEFAULT_WINDOW, type FromWorker, type JobEvent, type ToWorker } from './job/types.ts';

interface Port {
  onmessage: ((e: MessageEvent<ToWorker[]>) => void) | null;
  postMessage(msgs: FromWorker[], transfer?: Transferable[]): void;
}
const port = globalThis as unknown as Port;
const outbox = new Outbox<FromWorker>((msgs, transfer) => port.postMessage(msgs, transfer));

let host = new DriverHost(1);
let batchSize = DEFAULT_BATCH;
let window = DEFAULT_WINDOW;
const jobs = new Map<number, { ctrl: Cancel; credit: Credit }>();

function send(id: number, events: JobEvent[]) {
  let transfer: ArrayBuffer[] | undefined;
  for (const ev of events) if (ev.type === 'chunk' && typeof ev.data !== 'string') (transfer ??= []).push(ev.data.buffer as ArrayBuffer);
  outbox.send({ t: 'events', id, events }, transfer);
}

port.onmessage = (e) => {
  for (const msg of e.data) receive(msg);
};

function receive(msg: ToWorker) {
  switch (msg.t) {
    case 'init':
      host = new DriverHost(msg.threads);
      batchSize = msg.batchSize;
      window = msg.window;
      return;
    case 'run': {
      const ctrl = new Cancel();
      const credit = new Credit(window);
      const sink: JobSink = {
        send(events) {
          for (const ev of events) if (ev.type === 'chunk' || ev.type === 'rows') credit.sent();
          send(msg.id, events);
        },
        credit: () => credit.wait(),
      };
      jobs.set(msg.id, { ctrl, credit });
      runJob(msg.job, host, sink, ctrl, batchSize).finally(() => jobs.delete(msg.id));
      return;
    }
    case 'ack':
      jobs.get(msg.id)?.credit.ack(msg.n);
      return;
    case 'cancel': {
      const job = jobs.get(msg.id);
      job?.credit.close();
      job?.ctrl.abort();
      return;
    }
    case 'call':
      host.call(msg.connector, msg.call).then(
        (value) => outbox.send({ t: 'result', id: msg.id, value: value ?? undefined }),
        (err) => outbox.send({ t: 'result', id: msg.id, error: asConnectorError(err).toJSON() }),
      );
      return;
    case 'close':
      for (const job of jobs.values()) job.ctrl.abort();
      host.close().finally(() => outbox.send({ t: 'closed' }));
      return;
    case 'crash':
      setTimeout(() => {
        throw new Error('connector worker crash (test hook)');
      });
      return;
  }
}
