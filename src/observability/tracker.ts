import { setImmediate } from 'node:timers';
import type { Store, TrackInput } from '../store/index.ts';

export interface TrackerOptions {
  /** A batch this large is written at once. */
  maxBatch?: number;
  /** Under load (the last batch held at least `busyBatch` tracks) a batch waits this long for more. */
  windowMs?: number;
  busyBatch?: number;
}

/**
 * Group commit of tracks: calls wait until their track is written, but many calls share one transaction.
 * A commit costs several times a row, so under load a batch waits a moment (windowMs) for the calls still in
 * flight; a lone call is written at the end of its event-loop turn and waits for no timer.
 * A failed write fails the waiting calls' tracks, never the store.
 */
export class Tracker {
  #queue: TrackInput[] = [];
  #waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  #lastBatch = 0;
  #maxBatch: number;
  #windowMs: number;
  #busyBatch: number;

  constructor(private store: Store, opts: TrackerOptions = {}) {
    this.#maxBatch = opts.maxBatch ?? 512;
    this.#windowMs = opts.windowMs ?? 1;
    this.#busyBatch = opts.busyBatch ?? 4;
  }

  record(track: TrackInput): Promise<void> {
    this.#queue.push(track);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#queue.length >= this.#maxBatch) void this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#lastBatch >= this.#busyBatch) setTimeout(() => void this.flush(), this.#windowMs);
      else setImmediate(() => void this.flush());
    }
    return done;
  }

  async flush() {
    this.#scheduled = false;
    const batch = this.#queue.splice(0);
    const waiters = this.#waiters.splice(0);
    this.#lastBatch = batch.length;
    if (batch.length === 0) return;
    try {
      await this.store.appendTracks(batch);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
