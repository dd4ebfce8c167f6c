import type { NameRule } from '../operation.ts';
import type { Check } from '../types.ts';

/** The compatible paths match caller names as the original did; every other interface is strict. */
const compatRule: Record<string, NameRule> = { data: 'mantra-data' };

/** Validates the caller's parameters against the operation's declared ones. */
export function params(): Check {
  return function params(ctx) {
    const { op } = ctx;
    const rule = ctx.req.interface === 'compat' ? compatRule[op!.op.kind] ?? 'mantra-proxy' : 'strict';
    ctx.values = op!.validate(ctx.req.params, rule);
  };
}
