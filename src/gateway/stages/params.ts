import type { Check } from '../types.ts';

/** Validates the caller's parameters against the operation's declared ones. */
export function params(): Check {
  return function params(ctx) {
    ctx.values = ctx.op!.validate(ctx.req.params);
  };
}
