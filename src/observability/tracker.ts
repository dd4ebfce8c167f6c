import { setImmediate } from 'node:timers';
import type { Store, TrackInput } from '../store/index.ts';

/**
 * Group commit of tracks: calls wait until their track is written (the store's track log), but the calls that
 * finish in one event-loop turn share one write. One batch is written at a time; tracks arriving meanwhile form
 * the next one. A failed write fails the waiting calls' tracks, never the store.
 */
export class Tracker {
  #queue: TrackInput[] = [];
  #waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  #writing = false;
  #idle: (() => void)[] = [];

  constructor(private store: Store, private maxBatch = 512) {}

  record(track: TrackInput): Promise<void> {
    this.#queue.push(track);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#writing && !this.#scheduled) {
      // End of this event-loop turn: calls finishing together share a commit, and none waits for a timer.
      this.#scheduled = true;
      setImmediate(() => void this.#write());
    }
    return done;
  }

  /** Resolves once every track recorded so far is written (or has failed). */
  flush(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.#idle.push(resolve));
    void this.#write();
    return idle;
  }

  async #write() {
    this.#scheduled = false;
    if (this.#writing) return;
    this.#writing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      const waiters = this.#waiters.splice(0, batch.length);
      try {
        await this.store.appendTracks(batch);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.#writing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
