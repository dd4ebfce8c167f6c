/**
 * The store's writer thread: moves track-log lines into the tracks table on its own connection and copies the WAL
 * back into the database file (PASSIVE checkpoints: never blocking another writer).
 */
import { DatabaseSync } from 'node:sqlite';
import type { FromWriter, ToWriter } from './writer-thread.ts';
import { trackIngester } from './track-chain.ts';

interface Port {
  onmessage: ((e: MessageEvent<ToWriter>) => void) | null;
  postMessage(msg: FromWriter): void;
}
const port = globalThis as unknown as Port;
const message = (err: unknown) => String((err as Error)?.message ?? err);

let db: DatabaseSync | undefined;
let ingest: ReturnType<typeof trackIngester> | undefined;
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
  if (msg.t === 'ingest') {
    try {
      port.postMessage({ t: 'ingested', id: msg.id, upTo: ingest!(msg.text) });
    } catch (err) {
      port.postMessage({ t: 'refused', id: msg.id, message: message(err) });
    }
  } else if (msg.t === 'start') {
    try {
      db = new DatabaseSync(msg.file);
      db.exec('pragma busy_timeout = 5000; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
      ingest = trackIngester(db);
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
