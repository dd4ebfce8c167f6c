/** After this many failures a key is locked, first for BASE_LOCK_MS, doubling with each further failure. */
export const FREE_FAILURES = 5;
const BASE_LOCK_MS = 2_000;
const MAX_LOCK_MS = 15 * 60_000;
/** A key with no failure for this long starts afresh. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Bounds memory when an attacker sprays usernames or addresses; the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** Failed-login bookkeeping per key (`user:NAME`, `ip:ADDRESS`), in memory: a restart forgets it. */
export class LoginThrottle {
  #entries = new Map<string, Entry>();

  /** Seconds to wait before any of these keys may try again; 0 when all are free. */
  retryAfter(keys: string[], now = Date.now()): number {
    let until = 0;
    for (const key of keys) until = Math.max(until, this.#fresh(key, now)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(keys: string[], now = Date.now()) {
    for (const key of keys) {
      const entry = this.#fresh(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      entry.failures++;
      entry.lastFailure = now;
      if (entry.failures >= FREE_FAILURES) {
        entry.lockedUntil = now + Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (entry.failures - FREE_FAILURES));
      }
      this.#entries.delete(key); // re-insert: Map order is then least recently failed first
      this.#entries.set(key, entry);
    }
    while (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  succeed(key: string) {
    this.#entries.delete(key);
  }

  #fresh(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.lastFailure > FORGET_AFTER_MS && entry.lockedUntil < now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * Limits how many password derivations run at once: each scrypt takes 32 MiB, so a burst of logins must
 * queue instead of exhausting memory. Beyond `maxWaiting` the caller is told to come back later.
 */
export class KdfGate {
  #running = 0;
  #waiting: (() => void)[] = [];
  constructor(private readonly concurrency = 2, private readonly maxWaiting = 64) {}

  get full() {
    return this.#waiting.length >= this.maxWaiting;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing run hands its slot straight to the next waiter, so the count never overshoots.
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
