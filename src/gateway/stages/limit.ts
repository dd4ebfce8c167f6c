import { GatewayError, type GatewayErrorKey } from '../errors.ts';
import type { Check } from '../types.ts';

/** One subscription's use, kept in this process: its token bucket and its counts of the current day and month. */
interface Usage {
  tokens: number;
  at: number;
  day: number;
  dayUsed: number;
  month: number;
  monthUsed: number;
}

/** The current day and month of the server's time zone, as instants; worked out again only when one ends. */
class Calendar {
  dayStart = 0;
  dayEnd = 0;
  monthStart = 0;
  monthEnd = 0;

  at(now: number): this {
    if (now >= this.dayStart && now < this.dayEnd) return this;
    const d = new Date(now);
    const [y, m] = [d.getFullYear(), d.getMonth()];
    this.dayStart = new Date(y, m, d.getDate()).getTime();
    this.dayEnd = new Date(y, m, d.getDate() + 1).getTime();
    this.monthStart = new Date(y, m, 1).getTime();
    this.monthEnd = new Date(y, m + 1, 1).getTime();
    return this;
  }
}

/** A refusal that says when to come back: whole seconds, at least one (Retry-After); float dust is no second more. */
const over = (key: GatewayErrorKey, ms: number) => new GatewayError(key, { retryAfter: Math.max(1, Math.ceil(ms / 1000 - 1e-9)) });

/**
 * Per subscription: the monthly quota, the daily quota, then the rate (requests per minute, a token bucket that
 * holds a minute's worth). A refused call uses up nothing; the refusal names the seconds until a token comes back
 * or the day or month turns. A subscription without limits costs one comparison.
 */
export function limit(now: () => number = Date.now): Check {
  const usage = new Map<string, Usage>();
  const calendar = new Calendar();
  return function limit(ctx) {
    const sub = ctx.subscription!;
    if (sub.rateLimit === 0 && sub.quota === 0 && !sub.monthlyQuota) return;
    const at = now();
    const cal = calendar.at(at);
    let u = usage.get(sub.id);
    if (!u) usage.set(sub.id, (u = { tokens: sub.rateLimit, at, day: cal.dayStart, dayUsed: 0, month: cal.monthStart, monthUsed: 0 }));
    if (u.day !== cal.dayStart) [u.day, u.dayUsed] = [cal.dayStart, 0];
    if (u.month !== cal.monthStart) [u.month, u.monthUsed] = [cal.monthStart, 0];
    if (sub.monthlyQuota && u.monthUsed >= sub.monthlyQuota) throw over('quota_monthly', cal.monthEnd - at);
    if (sub.quota > 0 && u.dayUsed >= sub.quota) throw over('quota_exceeded', cal.dayEnd - at);
    if (sub.rateLimit > 0) {
      u.tokens = Math.min(sub.rateLimit, u.tokens + ((at - u.at) / 60_000) * sub.rateLimit);
      u.at = at;
      if (u.tokens < 1) throw over('rate_limited', ((1 - u.tokens) * 60_000) / sub.rateLimit);
      u.tokens -= 1;
    }
    u.dayUsed++;
    u.monthUsed++;
  };
}
