import type { StreamResult, ValueResult } from './types.ts';

/** The answer body of a streamed result: whole bytes when read ahead completely, else a pull stream. */
export function streamBody(result: StreamResult): BodyInit {
  const chunks = result.buffered.flatMap((ev) => (ev.type === 'chunk' ? [ev.bytes] : []));
  if (result.complete) return (chunks.length === 1 ? chunks[0] : concat(chunks)) as Uint8Array<ArrayBuffer>;
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctrl) {
        if (i < chunks.length) return ctrl.enqueue(chunks[i++]);
        for (;;) {
          const step = await result.rest.next();
          if (step.done || step.value.type === 'end') return ctrl.close();
          if (step.value.type === 'error') return ctrl.error(new Error('stream failed'));
          if (step.value.type === 'chunk') return ctrl.enqueue(step.value.bytes);
        }
      },
      async cancel() {
        await result.rest.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

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
