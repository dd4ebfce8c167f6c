/**
 * The store's writer thread: moves track-log lines into the tracks table on its own connection, signs checkpoints
 * and applies retention there (never on the serving thread), and copies the WAL back into the database file
 * (PASSIVE checkpoints: never blocking another writer).
 */
import { DatabaseSync } from 'node:sqlite';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { FromWriter, ToWriter, UpkeepTask } from './writer-thread.ts';
import { trackIngester } from './track-chain.ts';
import { readSpans } from './track-span.ts';
import { trailUpkeep, type TrailUpkeep } from './trail-upkeep.ts';
import { keyIdOf } from '../audit/keys.ts';

interface Port {
  onmessage: ((e: MessageEvent<ToWriter>) => void) | null;
  postMessage(msg: FromWriter): void;
}
const port = globalThis as unknown as Port;
const message = (err: unknown) => String((err as Error)?.message ?? err);

let db: DatabaseSync | undefined;
let ingest: ReturnType<typeof trackIngester> | undefined;
let upkeep: TrailUpkeep | undefined;
const timers: ReturnType<typeof setInterval>[] = [];

function walCheckpoint() {
  try {
    db?.exec('pragma wal_checkpoint(PASSIVE)');
  } catch (err) {
    port.postMessage({ t: 'error', message: message(err) });
  }
}

function run(task: UpkeepTask): unknown {
  return task === 'checkpoint' ? upkeep!.checkpoint() : upkeep!.prune(upkeep!.retention());
}

/** Timed upkeep that fails is tried again at its next turn; the trail itself is untouched by a failed one. */
function quietly(task: UpkeepTask) {
  try {
    run(task);
  } catch {
    // the next turn tries again
  }
}

port.onmessage = (e) => {
  const msg = e.data;
  if (msg.t === 'ingest') {
    try {
      port.postMessage({ t: 'ingested', id: msg.id, upTo: ingest!(readSpans(msg.spans), msg.stats) });
    } catch (err) {
      port.postMessage({ t: 'refused', id: msg.id, message: message(err) });
    }
  } else if (msg.t === 'upkeep') {
    try {
      port.postMessage({ t: 'done', id: msg.id, result: run(msg.task) });
    } catch (err) {
      port.postMessage({ t: 'refused', id: msg.id, message: message(err) });
    }
  } else if (msg.t === 'start') {
    try {
      db = new DatabaseSync(msg.file);
      db.exec('pragma busy_timeout = 5000; pragma synchronous = normal; pragma wal_autocheckpoint = 0');
      ingest = trackIngester(db);
      const privateKey = createPrivateKey(msg.signingKey);
      const publicKey = createPublicKey(privateKey);
      upkeep = trailUpkeep(db, { privateKey, publicKey, keyId: keyIdOf(publicKey) });
    } catch (err) {
      port.postMessage({ t: 'error', message: message(err) });
      return;
    }
    timers.push(setInterval(walCheckpoint, msg.intervalMs));
    timers.push(setInterval(() => quietly('checkpoint'), msg.checkpointMs));
    timers.push(setInterval(() => quietly('prune'), msg.pruneMs));
    // Servers that restart more often than the interval still prune.
    timers.push(setTimeout(() => quietly('prune'), Math.min(msg.pruneMs, 60_000)));
    port.postMessage({ t: 'started' });
  } else if (msg.t === 'stop') {
    for (const timer of timers.splice(0)) clearInterval(timer);
    if (upkeep) quietly('checkpoint');
    walCheckpoint();
    db?.close();
    db = undefined;
    port.postMessage({ t: 'stopped' });
  }
};
