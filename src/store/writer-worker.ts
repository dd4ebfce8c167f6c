/**
 * The store's writer thread: appends tracks on its own connection and copies the WAL back into the database file
 * (PASSIVE checkpoints: never blocking another writer), so the serving thread neither commits nor checkpoints.
 */
import { DatabaseSync } from 'node:sqlite';
import type { FromWriter, ToWriter } from './writer-thread.ts';
import { trackAppender } from './track-chain.ts';

interface Port {
  onmessage: ((e: MessageEvent<ToWriter>) => void) | null;
  postMessage(msg: FromWriter): void;
}
const port = globalThis as unknown as Port;
const message = (err: unknown) => String((err as Error)?.message ?? err);

let db: DatabaseSync | undefined;
let append: ReturnType<typeof trackAppender> | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function checkpoint() {
  try {
    db?.exec('pragma wal_checkpoint(PASSIVE)');
  } catch (err) {
    port.postMessage({ t: 'error', message: message(err) });
  }
}

port.onmessage = (e) => {
  const msg = e.data;
  if (msg.t === 'tracks') {
    try {
      append!(msg.rows);
      port.postMessage({ t: 'written', id: msg.id });
    } catch (err) {
      port.postMessage({ t: 'refused', id: msg.id, message: message(err) });
    }
  } else if (msg.t === 'start') {
    try {
      db = new DatabaseSync(msg.file);
      db.exec('pragma busy_timeout = 5000; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
      append = trackAppender(db);
    } catch (err) {
      port.postMessage({ t: 'error', message: message(err) });
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
