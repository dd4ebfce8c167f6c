import { GatewayError } from '../errors.ts';
import type { Check } from '../types.ts';

/** MANTRA checks for a key before anything else: a missing or empty key is 10001. */
export function requireKey(): Check {
  return function requireKey(ctx) {
    if (!ctx.req.key) throw new GatewayError('empty_key');
  };
}
