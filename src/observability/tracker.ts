import { setImmediate } from 'node:timers';
import type { Store, TrackInput } from '../store/index.ts';

/**
 * Group commit of tracks: calls wait until their track is written, but many calls share one transaction.
 * A failed write fails the waiting calls' tracks, never the store.
 */
export class Tracker {
  #queue: TrackInput[] = [];
  #waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;

  constructor(private store: Store, private maxBatch = 512) {}

  record(track: TrackInput): Promise<void> {
    this.#queue.push(track);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#queue.length >= this.maxBatch) void this.flush();
    else if (!this.#scheduled) {
      // End of this event-loop turn: calls finishing together share a commit, and none waits for a timer.
      this.#scheduled = true;
      setImmediate(() => void this.flush());
    }
    return done;
  }

  async flush() {
    this.#scheduled = false;
    const batch = this.#queue.splice(0);
    const waiters = this.#waiters.splice(0);
    if (batch.length === 0) return;
    try {
      await this.store.appendTracks(batch);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
