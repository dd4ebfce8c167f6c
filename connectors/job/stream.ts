import type { JobEvent } from './types.ts';

/**
 * The consumer's side of one job: events queue up as they arrive and are taken by async iteration. Taking a data
 * event acknowledges it (backpressure); leaving the loop early or aborting the signal cancels the job.
 * One consumer only.
 */
export class JobStream implements AsyncIterableIterator<JobEvent> {
  #queue: JobEvent[] = [];
  #head = 0;
  #wait: { resolve: (r: IteratorResult<JobEvent>) => void; reject: (e: unknown) => void } | undefined;
  /** The terminal event arrived: the producer is finished. */
  #ended = false;
  /** The consumer is finished (took the terminal event, left, or aborted). */
  #closed = false;
  #signal: AbortSignal | undefined;
  #onAbort = () => this.#abort();

  constructor(
    private ack: (n: number) => void,
    private cancel: () => void,
    signal?: AbortSignal,
  ) {
    if (signal) {
      this.#signal = signal;
      if (signal.aborted) queueMicrotask(this.#onAbort);
      else signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** From the producer. */
  push(events: JobEvent[]) {
    if (this.#ended) return;
    for (const ev of events) {
      if (ev.type === 'end' || ev.type === 'error') this.#ended = true;
      if (this.#closed) continue;
      const w = this.#wait;
      if (w) {
        this.#wait = undefined;
        w.resolve(this.#take(ev));
      } else this.#queue.push(ev);
    }
    if (this.#ended) this.#signal?.removeEventListener('abort', this.#onAbort);
  }

  get ended() {
    return this.#ended;
  }

  #take(ev: JobEvent): IteratorResult<JobEvent> {
    if (ev.type === 'end' || ev.type === 'error') this.#finish();
    else if (!this.#ended) this.ack(1);
    return { value: ev, done: false };
  }

  #finish() {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }

  next(): Promise<IteratorResult<JobEvent>> {
    if (this.#signal?.aborted && !this.#closed) this.#abort();
    if (this.#head < this.#queue.length) {
      const ev = this.#queue[this.#head++];
      if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve(this.#take(ev));
    }
    if (this.#closed) {
      const reason = this.#signal?.aborted ? this.#signal.reason : undefined;
      return reason !== undefined ? Promise.reject(reason) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.#wait = { resolve, reject }));
  }

  /** Leaving a for-await loop early: the job is cancelled, and a `next()` still waiting ends as done. */
  return(): Promise<IteratorResult<JobEvent>> {
    if (!this.#closed) {
      this.#finish();
      if (!this.#ended) this.cancel();
    }
    const w = this.#wait;
    this.#wait = undefined;
    w?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  #abort() {
    if (this.#closed) return;
    this.#finish();
    if (!this.#ended) this.cancel();
    const w = this.#wait;
    this.#wait = undefined;
    w?.reject(this.#signal?.reason);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
