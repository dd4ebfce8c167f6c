import { GatewayError } from '../errors.ts';
import type { Check } from '../types.ts';

/** Per-subscription rate (requests per minute, sliding by token bucket) and daily quota, in this process. */
export function limit(): Check {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const quotas = new Map<string, { day: string; used: number }>();
  return function limit(ctx) {
    const sub = ctx.subscription!;
    if (sub.rateLimit > 0) {
      const now = Date.now();
      const b = buckets.get(sub.id) ?? { tokens: sub.rateLimit, at: now };
      b.tokens = Math.min(sub.rateLimit, b.tokens + ((now - b.at) / 60_000) * sub.rateLimit);
      b.at = now;
      if (b.tokens < 1) throw new GatewayError('rate_limited');
      b.tokens -= 1;
      buckets.set(sub.id, b);
    }
    if (sub.quota > 0) {
      const day = new Date().toISOString().slice(0, 10);
      const q = quotas.get(sub.id);
      const used = q && q.day === day ? q.used : 0;
      if (used >= sub.quota) throw new GatewayError('quota_exceeded');
      quotas.set(sub.id, { day, used: used + 1 });
    }
  };
}
