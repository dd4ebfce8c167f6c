import { GatewayError } from '../errors.ts';
import type { Check } from '../types.ts';
import type { Subscription } from '../../model/subscription.ts';
import { compileAllowlist } from '../../security/ip-allowlist.ts';

/**
 * The subscription must be approved and unexpired (status `expired`, or `expiresAt` passed), and the caller's
 * address on its allowlist if it has one. Allowlists are compiled once per subscription (replaced on every change).
 */
export function authorize(now: () => number = Date.now): Check {
  const allowlists = new WeakMap<Subscription, (remote: string) => boolean>();
  function allowlistOf(sub: Subscription) {
    let allowed = allowlists.get(sub);
    if (!allowed) allowlists.set(sub, (allowed = compileAllowlist(sub.ipAllowlist)));
    return allowed;
  }
  return function authorize(ctx) {
    const sub = ctx.subscription!;
    if (sub.status !== 'approved' && sub.status !== 'expired') throw new GatewayError('no_subscription');
    if (sub.status === 'expired' || (sub.expiresAt && Date.parse(sub.expiresAt) <= now())) throw new GatewayError('subscription_expired');
    if (sub.ipAllowlist.length > 0 && !allowlistOf(sub)(ctx.req.remote)) throw new GatewayError('ip_denied');
  };
}
