import { Redis, ReplyError } from 'ioredis';
import { log } from '../observability/log.ts';
import { Calendar } from './calendar.ts';
import { memoryCounter } from './memory.ts';
import { RedisOpenError } from './open-error.ts';
import { takeScript } from './take-script.ts';
import type { Counter, Limited, Over } from './types.ts';

export interface RedisCounterOptions {
  /** The live nodes, for the share each node counts itself while Redis is away. */
  nodes?: () => number;
  /** Put before every key (tests use one each); default `mantra:limit:`. */
  prefix?: string;
  /** How long a call waits for Redis before counting its share here instead. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface RedisCounter extends Counter {
  health(): boolean;
  /** Calls decided by Redis, and by this node's share while Redis was away or slow. */
  decided(): { redis: number; local: number };
  close(): Promise<void>;
}

type Reply = null | [Over['limit'], string?];
type Client = Redis & { mantraTake(...args: (string | number)[]): Promise<Reply> };

/** Keys outlive their day or month by a day, for nodes whose clocks differ a little; then Redis drops them. */
const DAY = 86_400_000;

/**
 * Counts in Redis, so that every node counts into the same buckets: one script per call, atomic. Connects before it
 * resolves, or throws a RedisOpenError. While Redis is away (or a call gets no answer within `timeoutMs`) the node
 * counts its share in memory, logs once that Redis is lost and once that it is back, and reconnects by itself.
 */
export async function openRedisCounter(url: string, opts: RedisCounterOptions = {}): Promise<RedisCounter> {
  if (!/^rediss?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) throw new RedisOpenError('url');
  const prefix = opts.prefix ?? 'mantra:limit:';
  let started = false;
  let closing = false;
  let lost = false;
  let lastError: unknown;
  const client = new Redis(url, {
    lazyConnect: true,
    // Fail a call at once while disconnected: it counts here instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: opts.timeoutMs ?? 500,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    // No retry before the first connection (startup fails clearly instead); afterwards, for ever.
    retryStrategy: (times) => (started && !closing ? Math.min(times * 200, 2_000) : null),
    scripts: { mantraTake: { numberOfKeys: 3, lua: takeScript } },
  }) as Client;
  client.on('error', (err) => void (lastError = err));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw RedisOpenError.of(lastError ?? err);
  }
  started = true;

  let fallback = memoryCounter({ nodes: opts.nodes });
  client.on('close', () => {
    if (closing || lost) return;
    lost = true;
    // A fresh count of this node's share from the moment Redis went away.
    fallback = memoryCounter({ nodes: opts.nodes });
    log('warn', 'redis lost: rate limits and quotas count this node\'s share until it is back', { cause: codeOf(lastError) });
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    log('info', 'redis back: rate limits and quotas count across nodes again');
  });

  const decided = { redis: 0, local: 0 };
  let warned = 0;
  const local = (sub: Limited, at: number, err?: unknown) => {
    decided.local++;
    // Redis answering with an error (not a lost connection) would go unseen: say so, once a minute at most.
    if (err instanceof ReplyError && Date.now() - warned > 60_000) {
      warned = Date.now();
      log('error', 'redis refused the rate limit script: this node counts its share', { error: (err as Error).message });
    }
    return fallback.take(sub, at);
  };
  const calendar = new Calendar();
  return {
    take(sub: Limited, at: number) {
      if (client.status !== 'ready') return local(sub, at);
      const { dayStart, dayEnd, monthStart, monthEnd } = calendar.at(at);
      const key = `${prefix}{${sub.id}}`;
      return client.mantraTake(
        `${key}:rate`, `${key}:day:${dayStart}`, `${key}:month:${monthStart}`,
        at, sub.rateLimit, sub.quota, sub.monthlyQuota ?? 0, dayEnd - at + DAY, monthEnd - at + DAY,
      ).then(
        (reply): Over | undefined => {
          decided.redis++;
          if (!reply) return undefined;
          const limit = reply[0];
          return { limit, ms: limit === 'rate' ? Number(reply[1]) : (limit === 'day' ? dayEnd : monthEnd) - at };
        },
        (err) => local(sub, at, err),
      );
    },
    health: () => client.status === 'ready',
    decided: () => ({ ...decided }),
    async close() {
      closing = true;
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** A system error's code for the log, never its message (which names the host). */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
