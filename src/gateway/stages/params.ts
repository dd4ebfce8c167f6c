import type { Stage } from '../types.ts';

/** Validates the caller's parameters against the operation's declared ones. */
export function params(): Stage {
  return async function params(ctx, next) {
    ctx.values = ctx.op!.validate(ctx.req.params);
    await next();
  };
}
