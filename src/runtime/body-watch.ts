/** A request body read through a watch: it counts what the app reads and fails on a missed deadline or rate. */
import type { BodyLimits } from './types.ts';

export class BodyWatch {
  readonly body: ReadableStream<Uint8Array>;
  /** Settles when the body breaks a limit. */
  readonly breach: Promise<'breach'>;
  received = false;
  readonly #aborter = new AbortController();
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #started = performance.now();
  readonly #timer: ReturnType<typeof setInterval>;
  #bytes = 0;
  #watching = true;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #tripped!: (value: 'breach') => void;

  constructor(source: ReadableStream<Uint8Array>, readonly limits: BodyLimits, onReceived: () => void) {
    this.#reader = source.getReader();
    this.breach = new Promise((resolve) => (this.#tripped = resolve));
    // A quarter of the deadline at most, so that a short deadline (tests) is kept closely too.
    this.#timer = setInterval(() => this.#check(), Math.min(1000, Math.max(50, limits.bodyTimeoutMs / 4)));
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => void (this.#controller = controller),
      pull: async (controller) => {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await this.#reader.read();
        } catch (error) {
          // The connection broke: to the app, the caller is gone (the signal first, as in #trip).
          this.stop();
          if (this.#aborter.signal.aborted) return;
          this.#aborter.abort(error);
          controller.error(error);
          return;
        }
        if (this.#aborter.signal.aborted) return;
        if (step.done) {
          this.stop();
          this.received = true;
          onReceived();
          controller.close();
          return;
        }
        this.#bytes += step.value.byteLength;
        controller.enqueue(step.value);
      },
      cancel: (reason) => {
        this.stop();
        return this.#reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }

  /** Aborts on a breach, or when the connection breaks under the body. */
  get signal(): AbortSignal {
    return this.#aborter.signal;
  }

  stop(): void {
    if (!this.#watching) return;
    this.#watching = false;
    clearInterval(this.#timer);
  }

  /** Stops watching and lets go of the runtime's body: Deno holds the socket open while anyone could still read it. */
  abandon(): void {
    this.stop();
    this.#reader.cancel().catch(() => {});
  }

  #check(): void {
    const elapsed = performance.now() - this.#started;
    const { bodyTimeoutMs, bodyGraceMs, minBodyBytesPerSecond } = this.limits;
    if (elapsed >= bodyTimeoutMs) return this.#trip(`not received within ${bodyTimeoutMs} ms`);
    if (elapsed >= bodyGraceMs && this.#bytes * 1000 < minBodyBytesPerSecond * elapsed) {
      this.#trip(`slower than ${minBodyBytesPerSecond} bytes/s`);
    }
  }

  #trip(reason: string): void {
    this.stop();
    const error = new DOMException(`request body ${reason}`, 'TimeoutError');
    // The signal first: an app that catches the failed read then sees a caller that is gone, not an internal error.
    this.#aborter.abort(error);
    this.#controller.error(error);
    this.#reader.cancel(error).catch(() => {});
    this.#tripped('breach');
  }
}
