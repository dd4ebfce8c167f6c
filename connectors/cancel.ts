type Listener = (() => void) | { handleEvent(): void };

/** The part of AbortSignal that drivers and backend calls use; a real AbortSignal fits it. */
export interface Signal {
  readonly aborted: boolean;
  /** Why it was aborted (a TimeoutError for a deadline), when known. */
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: Listener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: Listener): void;
}

/**
 * A call's or a job's cancel switch: an AbortController without the EventTarget machinery, which costs a
 * measurable share of a 1-row query or a proxy call. Listeners run once, in order.
 */
export class Cancel implements Signal {
  aborted = false;
  reason: unknown;
  #listeners: Listener[] | undefined;

  addEventListener(_type: 'abort', listener: Listener) {
    if (this.aborted) return;
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener) {
    const l = this.#listeners;
    if (!l) return;
    const i = l.indexOf(listener);
    if (i >= 0) l.splice(i, 1);
  }

  abort(reason?: unknown) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const l = this.#listeners;
    this.#listeners = undefined;
    if (l) for (const fn of l) typeof fn === 'function' ? fn() : fn.handleEvent();
  }
}

/** A real AbortSignal following `signal` (for fetch()), and `release` to stop following it. */
export function abortSignalOf(signal: Signal): { signal: AbortSignal; release(): void } {
  if (signal instanceof AbortSignal) return { signal, release: () => {} };
  const ctrl = new AbortController();
  const abort = () => ctrl.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort);
  return { signal: ctrl.signal, release: () => signal.removeEventListener('abort', abort) };
}
