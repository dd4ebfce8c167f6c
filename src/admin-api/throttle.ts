import net from 'node:net';
import { type AlarmSummary, LoginAlarm } from './login-alarm.ts';

/** From the `free`-th failure on, each failure sets a wait of `baseMs`, doubling with each further one up to `maxMs`. */
export interface Rule {
  free: number;
  baseMs: number;
  maxMs: number;
}

/**
 * Failed sign-ins are counted three ways. A (user, address) pair, and an address across users, are refused for
 * the wait once they fail too often. An account across all addresses is only slowed a little and never refused,
 * so that guessing from elsewhere cannot lock its owner out.
 */
export const LIMITS = {
  /** One address guessing one account. */
  pair: { free: 5, baseMs: 1_000, maxMs: 15 * 60_000 },
  /** One address trying many accounts; more room, since the users behind one NAT share it. */
  address: { free: 30, baseMs: 1_000, maxMs: 15 * 60_000 },
  /** Many addresses guessing one account: each try for it first waits this long. */
  user: { free: 10, baseMs: 100, maxMs: 2_000 },
} satisfies Record<string, Rule>;

/** A key with no failure for this long starts afresh (longer than any wait). */
export const FORGET_AFTER_MS = 60 * 60_000;
/** Bounds memory per kind when an attacker sprays usernames or addresses; the least recently failed go first. */
const MAX_ENTRIES = 10_000;
/** The listing shows at most this many entries per kind, those with the most failures. */
const LIST_LIMIT = 100;

interface Entry {
  failures: number;
  lastFailure: number;
  waitMs: number;
}

/** Failures per key of one kind, in memory (a restart forgets them), least recently failed first. */
class Failures {
  #entries = new Map<string, Entry>();
  constructor(private readonly rule: Rule) {}

  get(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.lastFailure > FORGET_AFTER_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  add(key: string, now: number) {
    const entry = this.get(key, now) ?? { failures: 0, lastFailure: now, waitMs: 0 };
    entry.failures++;
    entry.lastFailure = now;
    const over = entry.failures - this.rule.free;
    entry.waitMs = over < 0 ? 0 : Math.min(this.rule.maxMs, this.rule.baseMs * 2 ** over);
    this.#entries.delete(key); // re-insert: Map order stays least recently failed first
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  forget(key: string) {
    this.#entries.delete(key);
  }

  /** Live entries, most failures first. */
  top(now: number, limit: number, keep: (e: Entry) => boolean = () => true): [string, Entry][] {
    return [...this.#entries.keys()]
      .map((key): [string, Entry | undefined] => [key, this.get(key, now)])
      .filter((kv): kv is [string, Entry] => kv[1] !== undefined && keep(kv[1]))
      .sort((a, b) => b[1].failures - a[1].failures)
      .slice(0, limit);
  }
}

/**
 * What counts as one caller: an IPv4 address, or an IPv6 /64, since one host commonly holds a whole /64.
 * IPv4-mapped IPv6 addresses are the IPv4 address they map.
 */
export function callerOf(address: string): string {
  const ip = address.replace(/%.*$/, '');
  if (/^::ffff:[\d.]+$/i.test(ip) && net.isIPv4(ip.slice(7))) return ip.slice(7);
  if (!net.isIPv6(ip)) return ip;
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const [head, tail] = ip.split('::');
  const left = groups(head), right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export interface Verdict {
  /** Seconds until this pair or address may try again; 0 when it may try now. */
  retryAfter: number;
  /** How long the try waits before the password is checked: the account is being guessed from many places. */
  delayMs: number;
}

export interface ThrottledEntry {
  failures: number;
  lastFailureAt: number;
  /** Unix time in ms: until then tries are refused (pairs, addresses) or slowed (users). */
  until: number;
}

export interface ThrottledNow {
  window: { since: number; attempts: number };
  pairs: (ThrottledEntry & { username: string; address: string })[];
  addresses: (ThrottledEntry & { address: string })[];
  users: (ThrottledEntry & { username: string; delayMs: number })[];
}

const pairKey = (user: string, caller: string) => `${caller} ${user}`;
const pairParts = (key: string) => ({ address: key.slice(0, key.indexOf(' ')), username: key.slice(key.indexOf(' ') + 1) });

/** Failed-login bookkeeping for the admin API; usernames are compared without case, known or not alike. */
export class LoginThrottle {
  #pairs = new Failures(LIMITS.pair);
  #addresses = new Failures(LIMITS.address);
  #users = new Failures(LIMITS.user);
  #alarm: LoginAlarm;

  constructor(raise?: (summary: AlarmSummary) => void) {
    this.#alarm = new LoginAlarm(raise);
  }

  /** Before a try: refused while its pair or its address waits; otherwise it may have to wait a little first. */
  check(username: string, address: string, now = Date.now()): Verdict {
    const user = username.toLowerCase(), caller = callerOf(address);
    const until = Math.max(refusedUntil(this.#pairs.get(pairKey(user, caller), now)), refusedUntil(this.#addresses.get(caller, now)));
    if (until > now) {
      this.#countForAlarm(now);
      return { retryAfter: Math.ceil((until - now) / 1000), delayMs: 0 };
    }
    return { retryAfter: 0, delayMs: this.#users.get(user, now)?.waitMs ?? 0 };
  }

  fail(username: string, address: string, now = Date.now()) {
    const user = username.toLowerCase(), caller = callerOf(address);
    this.#pairs.add(pairKey(user, caller), now);
    this.#addresses.add(caller, now);
    this.#users.add(user, now);
    this.#countForAlarm(now);
  }

  /** A right password clears its pair only: the address and the account stay watched. */
  succeed(username: string, address: string) {
    this.#pairs.forget(pairKey(username.toLowerCase(), callerOf(address)));
  }

  /** What is throttled now, for the administrators. */
  throttled(now = Date.now()): ThrottledNow {
    const shown = ({ failures, lastFailure }: Entry, until: number) => ({ failures, lastFailureAt: lastFailure, until });
    const refusing = (e: Entry) => refusedUntil(e) > now;
    return {
      window: this.#alarm.window,
      pairs: this.#pairs.top(now, LIST_LIMIT, refusing).map(([key, e]) => ({ ...pairParts(key), ...shown(e, refusedUntil(e)) })),
      addresses: this.#addresses.top(now, LIST_LIMIT, refusing).map(([address, e]) => ({ address, ...shown(e, refusedUntil(e)) })),
      users: this.#users.top(now, LIST_LIMIT, (e) => e.waitMs > 0)
        .map(([username, e]) => ({ username, delayMs: e.waitMs, ...shown(e, e.lastFailure + FORGET_AFTER_MS) })),
    };
  }

  #countForAlarm(now: number) {
    this.#alarm.count(now, () => ({
      addresses: this.#addresses.top(now, 5).map(([address, e]) => ({ address, failures: e.failures })),
      users: this.#users.top(now, 5).map(([username, e]) => ({ username, failures: e.failures })),
    }));
  }
}

const refusedUntil = (e: Entry | undefined) => (e ? e.lastFailure + e.waitMs : 0);
