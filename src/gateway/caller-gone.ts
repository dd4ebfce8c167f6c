/**
 * Runs `onGone` if the caller disconnects, watching only calls still running after `afterMs`. Reading a Bun
 * request's `signal` costs about a fifth of a small call's throughput, so quick calls never touch it; streamed
 * answers are cancelled through their body stream instead. Returns the function that stops watching.
 */
export function whenCallerGone(signal: () => AbortSignal, onGone: () => void, afterMs = 25): () => void {
  let unlisten: (() => void) | undefined;
  const timer = setTimeout(() => {
    const s = signal();
    if (s.aborted) return onGone();
    s.addEventListener('abort', onGone, { once: true });
    unlisten = () => s.removeEventListener('abort', onGone);
  }, afterMs);
  return () => {
    clearTimeout(timer);
    unlisten?.();
  };
}
