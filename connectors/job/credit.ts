/**
 * Backpressure between a job and its consumer: the job counts data events sent, the consumer acknowledges each
 * one it takes, and the job waits while `window` of them are outstanding.
 */
export class Credit {
  #out = 0;
  #wake: (() => void) | undefined;
  #open = true;
  constructor(private window: number) {}

  sent(n = 1) {
    this.#out += n;
  }

  ack(n = 1) {
    this.#out -= n;
    if (this.#out < this.window) this.#release();
  }

  /** Undefined when the job may go on at once. */
  wait(): Promise<void> | undefined {
    if (!this.#open || this.#out < this.window) return undefined;
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** The consumer is gone: never wait again. */
  close() {
    this.#open = false;
    this.#release();
  }

  #release() {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
