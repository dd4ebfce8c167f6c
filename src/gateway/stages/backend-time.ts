import type { Stage } from '../types.ts';

/**
 * Measures the stages after it (invoke and shape: the data source or backend, and shaping its answer) for the
 * track's `backendMs` and the answer's Server-Timing. A streamed answer counts until its first chunks are read.
 */
export function backendTime(): Stage {
  return async function backendTime(ctx, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      ctx.backendMs = Math.round((performance.now() - start) * 1000) / 1000;
    }
  };
}
