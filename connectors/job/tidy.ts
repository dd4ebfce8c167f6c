import { collectGarbage } from '../../src/runtime/collect.ts';

/** Bytes sent between two looks at the process's memory. */
const LOOK_EVERY = 2 * 1024 * 1024;
/** Growth over the last collection that this thread clears up (a long stream's garbage, see collect.ts). */
const GROWTH = 16 * 1024 * 1024;

const rss = () => process.memoryUsage.rss();

/**
 * Keeps a thread's long answers from growing the process by their garbage: every few MB a job sends, it looks at
 * the process's resident memory and collects when it grew by GROWTH since this thread last did. A by-key answer
 * never gets here; a 1,000,000-row export collects a handful of times.
 */
class Tidy {
  #sent = 0;
  #base = 0;

  sent(bytes: number) {
    this.#sent += bytes;
    if (this.#sent < LOOK_EVERY) return;
    this.#sent = 0;
    const now = rss();
    if (this.#base === 0 || now < this.#base) this.#base = now;
    else if (now - this.#base > GROWTH) {
      collectGarbage();
      this.#base = rss();
    }
  }
}

/** One per thread: the worker's and the main thread's heaps are collected apart. */
export const tidy = new Tidy();
