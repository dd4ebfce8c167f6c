import type { StreamOutcome, StreamResult, ValueResult } from './types.ts';
import { whenCallerGone } from './caller-gone.ts';

/**
 * The answer body of a streamed result: whole bytes when read ahead completely, else a pull stream. The job is
 * cancelled when the body stream is, or when the caller goes away (not every runtime cancels the body then).
 * `onEnd` (the call's track) learns how the stream ended; the stream closes only once it has resolved, and breaks
 * off instead when it fails: no whole answer without its track.
 */
export function streamBody(result: StreamResult, callerSignal: () => AbortSignal, onEnd?: (o: StreamOutcome) => Promise<void>): BodyInit {
  const chunks = result.buffered.flatMap((ev) => (ev.type === 'chunk' ? [ev.data] : []));
  if (result.complete) return (chunks.length === 1 ? chunks[0] : concat(chunks.map(bytesOf))) as Uint8Array<ArrayBuffer> | string;
  let i = 0;
  let bytes = 0;
  let ended = false;
  let stopWatching = () => {};
  /** Reports the end once; a failed track of an answer that is over already is logged by the tracker's caller. */
  const report = (end: StreamOutcome['end'], rows?: number) => {
    if (ended) return Promise.resolve();
    ended = true;
    return onEnd?.({ end, bytes, rows }) ?? Promise.resolve();
  };
  const finish = () => {
    stopWatching();
    void result.rest.return?.();
    report('caller_left').catch(() => {});
  };
  const send = (ctrl: ReadableStreamDefaultController<Uint8Array>, data: Uint8Array | string) => {
    const out = bytesOf(data);
    bytes += out.byteLength;
    ctrl.enqueue(out);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        stopWatching = whenCallerGone(callerSignal, () => {
          finish();
          try {
            ctrl.error(new Error('caller gone'));
          } catch {
            // already closed
          }
        }, 0);
      },
      async pull(ctrl) {
        if (i < chunks.length) return send(ctrl, chunks[i++]);
        for (;;) {
          const step = await result.rest.next();
          const end = step.done ? undefined : step.value;
          if (!end || end.type === 'end') {
            stopWatching();
            try {
              await report('complete', end?.rowCount);
            } catch {
              return ctrl.error(new Error('track not written'));
            }
            return ctrl.close();
          }
          if (step.value.type === 'error') {
            stopWatching();
            report('broken').catch(() => {});
            return ctrl.error(new Error('stream failed'));
          }
          if (step.value.type === 'chunk') return send(ctrl, step.value.data);
        }
      },
      cancel: finish,
    },
    { highWaterMark: 0 },
  );
}

const utf8 = new TextEncoder();
const bytesOf = (data: Uint8Array | string) => (typeof data === 'string' ? utf8.encode(data) : data);

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Headers of a whole-value answer: the backend headers the operation passes on, then ours (never overridden);
 * a reply from a cache or MANTRA's fallback is marked so the caller can tell it from a fresh one.
 */
export function valueHeaders(result: ValueResult, headers: Record<string, string>): Record<string, string> {
  const source = result.meta?.source;
  return { ...result.headers, ...headers, ...(source && source !== 'backend' ? { 'x-mantra-source': source } : {}) };
}
