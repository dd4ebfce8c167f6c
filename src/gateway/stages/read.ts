import type { Registry } from '../registry.ts';
import type { Stage } from '../types.ts';

/** Runs the caller interface's grammar (parameters, format, page) inside the pipeline: its refusals are tracked. */
export function read(registry: Registry): Stage {
  return function read(ctx, next) {
    const reading = ctx.req.read?.(ctx.req, registry.settings);
    return reading ? reading.then(next) : next();
  };
}
