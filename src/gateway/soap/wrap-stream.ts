import type { JobEvent } from '../../../connectors/pool.ts';
import type { StreamResult } from '../types.ts';

/**
 * A streamed data result inside the SOAP envelope: `head` before the first row, `tail` after the last one. A whole
 * answer whose chunk is text stays one string; a longer one gets the tail just before its end event, so the
 * track is still written by the stream's end and a source that breaks off leaves the envelope unclosed.
 */
export function wrapStream(result: StreamResult, head: string, tail: string): StreamResult {
  const chunks = result.buffered;
  if (result.complete && chunks.length === 1 && chunks[0].type === 'chunk' && typeof chunks[0].data === 'string') {
    return { ...result, buffered: [{ type: 'chunk', data: head + chunks[0].data + tail }] };
  }
  const headChunk: JobEvent = { type: 'chunk', data: head };
  const tailChunk: JobEvent = { type: 'chunk', data: tail };
  if (result.complete) return { ...result, buffered: [headChunk, ...chunks, tailChunk] };
  const rest = result.rest;
  let held: JobEvent | undefined;
  return {
    ...result,
    buffered: [headChunk, ...chunks],
    rest: {
      async next() {
        if (held) {
          const value = held;
          held = undefined;
          return { done: false, value };
        }
        const step = await rest.next();
        if (step.done || step.value.type !== 'end') return step;
        held = step.value;
        return { done: false, value: tailChunk };
      },
      // Passed on at once: it is what cancels the job when the caller leaves.
      return: (value?: unknown) => rest.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    },
  };
}
