/**
 * The store's checkpoint thread: copies the WAL back into the database file (PASSIVE: never blocks the writer),
 * so that the serving thread never waits for a checkpoint's copying and fsyncs.
 */
import { DatabaseSync } from 'node:sqlite';
import type { FromCheckpoints, ToCheckpoints } from './checkpoints.ts';

interface Port {
  onmessage: ((e: MessageEvent<ToCheckpoints>) => void) | null;
  postMessage(msg: FromCheckpoints): void;
}
const port = globalThis as unknown as Port;

let db: DatabaseSync | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function checkpoint() {
  try {
    db?.exec('pragma wal_checkpoint(PASSIVE)');
  } catch (err) {
    port.postMessage({ t: 'error', message: String((err as Error).message ?? err) });
  }
}

port.onmessage = (e) => {
  const msg = e.data;
  if (msg.t === 'start') {
    try {
      db = new DatabaseSync(msg.file);
      db.exec('pragma busy_timeout = 5000');
    } catch (err) {
      port.postMessage({ t: 'error', message: String((err as Error).message ?? err) });
      return;
    }
    timer = setInterval(checkpoint, msg.intervalMs);
    port.postMessage({ t: 'started' });
  } else if (msg.t === 'stop') {
    clearInterval(timer);
    checkpoint();
    db?.close();
    db = undefined;
    port.postMessage({ t: 'stopped' });
  }
};
