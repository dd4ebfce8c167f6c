/**
 * Limits how many password derivations run at once: each scrypt takes 32 MiB, so a burst of logins must
 * queue instead of exhausting memory. Beyond `maxWaiting` the caller is told to come back later.
 */
export class KdfGate {
  #running = 0;
  #waiting: (() => void)[] = [];
  constructor(private readonly concurrency = 2, private readonly maxWaiting = 64) {}

  get full() {
    return this.#waiting.length >= this.maxWaiting;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing run hands its slot straight to the next waiter, so the count never overshoots.
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
