import { GatewayError } from '../errors.ts';
import type { Check } from '../types.ts';
import { ipAllowed } from '../../security/ip-allowlist.ts';

/** The subscription must be approved, unexpired, and the caller's address on its allowlist (if any). */
export function authorize(): Check {
  return function authorize(ctx) {
    const sub = ctx.subscription!;
    if (sub.status !== 'approved') throw new GatewayError('no_subscription');
    if (sub.expiresAt && Date.parse(sub.expiresAt) <= Date.now()) throw new GatewayError('no_subscription');
    if (sub.ipAllowlist.length > 0 && !ipAllowed(ctx.req.remote, sub.ipAllowlist)) throw new GatewayError('ip_denied');
  };
}
