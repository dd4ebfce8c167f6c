import type { StreamOutcome, StreamResult, ValueResult } from './types.ts';
import { whenCallerGone } from './caller-gone.ts';
import { tidy } from '../../connectors/job/tidy.ts';

/**
 * How long a streamed answer may wait for its caller to take the next chunk. The runtime asks for a chunk only
 * once it has written the last one to the connection, so a caller that stops reading stops the answer: past this
 * time it is given up (its read in the database cancelled, the connection closed, the track says
 * `caller_stalled`). A caller who reads slowly but steadily is not affected. Tests shorten it.
 */
export const answerLimits = { stallMs: 30_000 };

/**
 * The answer body of a streamed result: whole bytes when read ahead completely, else a pull stream. The job is
 * cancelled when the body stream is, when the caller goes away (not every runtime cancels the body then), or when
 * the caller stops taking chunks (answerLimits). `onEnd` (the call's track) learns how the stream ended; the
 * stream closes only once it has resolved, and breaks off instead when it fails: no whole answer without its track.
 */
export function streamBody(result: StreamResult, callerSignal: () => AbortSignal, onEnd?: (o: StreamOutcome) => Promise<void>): BodyInit {
  const chunks = result.buffered.flatMap((ev) => (ev.type === 'chunk' ? [ev.data] : []));
  if (result.complete) return (chunks.length === 1 ? chunks[0] : concat(chunks.map(bytesOf))) as Uint8Array<ArrayBuffer> | string;
  let i = 0;
  let bytes = 0;
  let ended = false;
  let stopWatching = () => {};
  let stall: ReturnType<typeof setTimeout> | undefined;
  /** Reports the end once; a failed track of an answer that is over already is logged by the tracker's caller. */
  const report = (end: StreamOutcome['end'], rows?: number) => {
    if (ended) return Promise.resolve();
    ended = true;
    clearTimeout(stall);
    return onEnd?.({ end, bytes, rows }) ?? Promise.resolve();
  };
  const finish = (end: StreamOutcome['end'] = 'caller_left') => {
    stopWatching();
    void result.rest.return?.();
    report(end).catch(() => {});
  };
  /** Gives the answer up: the job cancelled, the connection closed by the runtime. */
  const giveUp = (ctrl: ReadableStreamDefaultController<Uint8Array>, end: StreamOutcome['end']) => {
    finish(end);
    try {
      ctrl.error(new Error(end));
    } catch {
      // already closed
    }
  };
  const send = (ctrl: ReadableStreamDefaultController<Uint8Array>, data: Uint8Array | string) => {
    const out = bytesOf(data);
    bytes += out.byteLength;
    // With a worker pool the bytes were made on another thread; what passing them on leaves is this thread's.
    tidy.sent(out.byteLength);
    ctrl.enqueue(out);
    // The next pull comes once this chunk is written to the connection; none in time: the caller stopped reading.
    clearTimeout(stall);
    stall = setTimeout(() => giveUp(ctrl, 'caller_stalled'), answerLimits.stallMs);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        stopWatching = whenCallerGone(callerSignal, () => giveUp(ctrl, 'caller_left'), 0);
      },
      async pull(ctrl) {
        clearTimeout(stall);
        if (ended) return;
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
      cancel: () => finish(),
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
