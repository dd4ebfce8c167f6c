import { GatewayError } from '../errors.ts';
import type { Stage } from '../types.ts';

/** MANTRA checks for a key before anything else: a missing or empty key is 10001. */
export function requireKey(): Stage {
  return async function requireKey(ctx, next) {
    if (!ctx.req.key) throw new GatewayError('empty_key');
    await next();
  };
}
