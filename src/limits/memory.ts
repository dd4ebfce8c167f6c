import { Calendar } from './calendar.ts';
import type { Counter, Limited, Over } from './types.ts';

/** One subscription's use, kept in this process: its token bucket and its counts of the current day and month. */
interface Usage {
  tokens: number;
  at: number;
  day: number;
  dayUsed: number;
  month: number;
  monthUsed: number;
}

/** This node's share of a limit when `nodes` nodes serve: a whole one each, rounded up; 0 stays "no limit". */
export const share = (limit: number, nodes: number) => (limit > 0 ? Math.ceil(limit / Math.max(1, nodes)) : 0);

/**
 * Counts in this process. With `nodes` (the live nodes sharing the store) each node allows its share of every
 * limit, so N nodes behind a balancer allow about the whole limit together; one node allows the whole limit.
 */
export function memoryCounter(opts: { nodes?: () => number } = {}): Counter {
  const usage = new Map<string, Usage>();
  const calendar = new Calendar();
  const nodes = opts.nodes ?? (() => 1);
  return {
    take(sub: Limited, at: number): Over | undefined {
      const n = nodes();
      const [rate, quota, monthly] = [share(sub.rateLimit, n), share(sub.quota, n), share(sub.monthlyQuota ?? 0, n)];
      const cal = calendar.at(at);
      let u = usage.get(sub.id);
      if (!u) usage.set(sub.id, (u = { tokens: rate, at, day: cal.dayStart, dayUsed: 0, month: cal.monthStart, monthUsed: 0 }));
      if (u.day !== cal.dayStart) [u.day, u.dayUsed] = [cal.dayStart, 0];
      if (u.month !== cal.monthStart) [u.month, u.monthUsed] = [cal.monthStart, 0];
      if (monthly > 0 && u.monthUsed >= monthly) return { limit: 'month', ms: cal.monthEnd - at };
      if (quota > 0 && u.dayUsed >= quota) return { limit: 'day', ms: cal.dayEnd - at };
      if (rate > 0) {
        u.tokens = Math.min(rate, u.tokens + (Math.max(0, at - u.at) / 60_000) * rate);
        u.at = at;
        if (u.tokens < 1) return { limit: 'rate', ms: ((1 - u.tokens) * 60_000) / rate };
        u.tokens -= 1;
      }
      u.dayUsed++;
      u.monthUsed++;
    },
  };
}
