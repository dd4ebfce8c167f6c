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
  #drained: Promise<void> | undefined;

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
      // The app is done with the body (a refusal of one too large): the rest is the server's to drain or drop.
      cancel: () => this.stop(),
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

  /**
   * After an early answer: reads the rest of the body and throws it away until it ends, the peer goes away or stops
   * sending for `idleMs`, or `maxMs` have passed. Past `maxBytes` nothing more is read, but the connection is kept
   * until `maxMs`: the peer's writes then wait, so that it reads the answer before the close resets the connection
   * (a proxy writing in a loop otherwise meets the reset first). Settles, never fails; lets go of the body after.
   */
  drain(bounds: { maxBytes: number; maxMs: number; idleMs: number }): Promise<void> {
    this.stop();
    return (this.#drained ??= this.#drain(bounds));
  }

  async #drain({ maxBytes, maxMs, idleMs }: { maxBytes: number; maxMs: number; idleMs: number }): Promise<void> {
    const until = performance.now() + maxMs;
    let read = 0;
    try {
      while (read <= maxBytes) {
        const left = until - performance.now();
        if (left <= 0) return;
        const step = await within(this.#reader.read(), Math.min(left, idleMs));
        if (step === undefined || step.done) return;
        read += step.value.byteLength;
      }
      await within(new Promise(() => {}), until - performance.now());
    } catch { /* the peer went away: nothing left to drain */ } finally {
      this.#reader.cancel().catch(() => {});
    }
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

/** `promise`'s value, or undefined once `ms` have passed without one. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
