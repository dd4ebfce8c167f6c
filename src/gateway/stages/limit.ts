import { GatewayError, type GatewayErrorKey } from '../errors.ts';
import type { Check } from '../types.ts';
import { type Counter, memoryCounter, type Over } from '../../limits/index.ts';

const keys: Record<Over['limit'], GatewayErrorKey> = { month: 'quota_monthly', day: 'quota_exceeded', rate: 'rate_limited' };

/** A refusal that says when to come back: whole seconds, at least one (Retry-After); float dust is no second more. */
const refuse = (over: Over) => new GatewayError(keys[over.limit], { retryAfter: Math.max(1, Math.ceil(over.ms / 1000 - 1e-9)) });

function judge(over: Over | undefined) {
  if (over) throw refuse(over);
}

/**
 * Per subscription: the monthly quota, the daily quota, then the rate (requests per minute, a token bucket that
 * holds a minute's worth), counted by `counter` (src/limits: in memory, or in Redis across nodes). A refused call
 * uses up nothing; the refusal names the seconds until a token comes back or the day or month turns. A subscription
 * without limits costs one comparison, and a counter in memory no promise.
 */
export function limit(counter: Counter = memoryCounter(), now: () => number = Date.now): Check {
  return function limit(ctx) {
    const sub = ctx.subscription!;
    if (sub.rateLimit === 0 && sub.quota === 0 && !sub.monthlyQuota) return;
    const over = counter.take(sub, now());
    if (over instanceof Promise) return over.then(judge);
    judge(over);
  };
}
