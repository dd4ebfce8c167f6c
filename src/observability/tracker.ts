import { setImmediate } from 'node:timers';
import type { Store, TrackInput } from '../store/index.ts';

interface Batch {
  rows: TrackInput[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function newBatch(): Batch {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  promise.catch(() => {}); // a batch nobody waits for must not count as unhandled
  return { rows: [], done: promise, resolve, reject };
}

/**
 * Group commit of tracks: calls wait until their track is written (the store's track log), but the calls that
 * finish in one event-loop turn share one write. One batch is written at a time; tracks arriving meanwhile form
 * the next one. A failed write fails the waiting calls' tracks, never the store.
 */
export class Tracker {
  /** Batches not yet written, oldest first; calls join the last one (one promise per batch, not per call). */
  #batches: Batch[] = [];
  #scheduled = false;
  #writing = false;
  #idle: (() => void)[] = [];

  constructor(private store: Store, private maxBatch = 512) {}

  record(track: TrackInput): Promise<void> {
    let batch = this.#batches.at(-1);
    if (!batch || batch.rows.length >= this.maxBatch) this.#batches.push((batch = newBatch()));
    batch.rows.push(track);
    if (!this.#writing && !this.#scheduled) {
      // End of this event-loop turn: calls finishing together share a commit, and none waits for a timer.
      this.#scheduled = true;
      setImmediate(() => void this.#write());
    }
    return batch.done;
  }

  /** Resolves once every track recorded so far is written (or has failed). */
  flush(): Promise<void> {
    if (!this.#writing && this.#batches.length === 0) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    void this.#write();
    return idle;
  }

  async #write() {
    this.#scheduled = false;
    if (this.#writing) return;
    this.#writing = true;
    for (let batch = this.#batches.shift(); batch; batch = this.#batches.shift()) {
      try {
        await this.store.appendTracks(batch.rows);
        batch.resolve();
      } catch (err) {
        batch.reject(err);
      }
    }
    this.#writing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
