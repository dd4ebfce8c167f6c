import type { DatabaseSync } from 'node:sqlite';
import { bucketOf, decodeHistogram, encodeHistogram, type Histogram, merge, observe } from '../observability/latency-histogram.ts';

/** Statistics periods and how much of a track's ISO time names each one's start. */
export const PERIODS = { minute: 16, hour: 13, day: 10 } as const;
export type Period = keyof typeof PERIODS;
export const CODE: Record<Period, string> = { minute: 'm', hour: 'h', day: 'd' };

/** How long each period's rows are kept, in days (days are kept as long as the store). */
const KEEP_DAYS: Partial<Record<Period, number>> = { minute: 14, hour: 400 };

interface Sum {
  calls: number;
  errors: number;
  totalMs: number;
  hist: Histogram;
}

/** What one call adds to the statistics. */
export interface StatsCall {
  at: string;
  agency: string;
  service: string;
  operation: string;
  consumer: string;
  failed: boolean;
  durationMs: number;
}

/** One minute's sum for one operation and consumer: `[minute, agency, service, operation, consumer, calls, errors, totalMs, [bucket, count, …]]`. */
export type StatsSum = [string, string, string, string, string, number, number, number, number[]];

/** The statistics of one batch of tracks (seq from…to), summed where the tracks were made. */
export interface StatsChunk {
  from: number;
  to: number;
  sums: StatsSum[];
}

/** Whether a track counts as a call of an operation (admin and token requests name no service). */
export const countsAsCall = (t: { service: string }) => t.service !== '';
export const failed = (t: { status: number; code: number }) => t.status >= 400 || t.code !== 200;

/** What the statistics read of a track (a TrackInput fits; named here so the store's types need not be imported). */
export interface CountedTrack {
  at: string;
  agency: string;
  service: string;
  operation: string;
  consumer?: string;
  status: number;
  code: number;
  durationMs: number;
}

/**
 * Sums a batch of tracks per minute, operation and consumer on the thread that logs them, so that the writer
 * thread never parses a line for the statistics: a map lookup and a bucket per track here against a JSON parse
 * there. The seq range lets the writer count a batch once even when it is handed over twice.
 */
export function sumTracks(rows: CountedTrack[], from: number, to: number): StatsChunk {
  const sums = new Map<string, StatsSum>();
  let s: StatsSum | undefined;
  for (const t of rows) {
    if (!countsAsCall(t)) continue;
    const consumer = t.consumer ?? '';
    // Calls of one batch are mostly of one operation and consumer: the sum before is checked first.
    if (!s || s[3] !== t.operation || s[4] !== consumer || s[2] !== t.service || s[1] !== t.agency || !t.at.startsWith(s[0])) {
      const minute = t.at.slice(0, 16);
      const id = `${minute} ${t.agency}/${t.service}/${t.operation} ${consumer}`;
      s = sums.get(id);
      if (!s) sums.set(id, (s = [minute, t.agency, t.service, t.operation, consumer, 0, 0, 0, []]));
    }
    s[5]++;
    if (failed(t)) s[6]++;
    s[7] += t.durationMs;
    const bucket = bucketOf(t.durationMs);
    const pairs = s[8];
    let i = 0;
    while (i < pairs.length && pairs[i] !== bucket) i += 2;
    if (i < pairs.length) pairs[i + 1]++;
    else pairs.push(bucket, 1);
  }
  return { from, to, sums: [...sums.values()] };
}

/** One row of the statistics a batch adds: its key (period code, start, agency, service, operation, consumer) and sums. */
export interface StatsRowSum {
  key: [string, string, string, string, string, string];
  calls: number;
  errors: number;
  totalMs: number;
  hist: Histogram;
}

/**
 * Sums calls per minute as tracks come (one key per track) and spreads them over minutes, hours and days when
 * taken: what one batch adds to each row of the statistics, for whichever store writes them.
 */
export function statsSums() {
  const minutes = new Map<string, { call: StatsCall; sum: Sum }>();
  return {
    add(c: StatsCall) {
      const id = `${c.at.slice(0, PERIODS.minute)} ${c.agency}/${c.service}/${c.operation} ${c.consumer}`;
      let entry = minutes.get(id);
      if (!entry) minutes.set(id, (entry = { call: c, sum: { calls: 0, errors: 0, totalMs: 0, hist: new Map() } }));
      entry.sum.calls++;
      if (c.failed) entry.sum.errors++;
      entry.sum.totalMs += c.durationMs;
      observe(entry.sum.hist, c.durationMs);
    },
    /** Adds sums made by sumTracks. */
    addSums(sums: StatsSum[]) {
      for (const [minute, agency, service, operation, consumer, calls, errors, totalMs, buckets] of sums) {
        const id = `${minute} ${agency}/${service}/${operation} ${consumer}`;
        let entry = minutes.get(id);
        if (!entry) {
          const call: StatsCall = { at: minute, agency, service, operation, consumer, failed: false, durationMs: 0 };
          minutes.set(id, (entry = { call, sum: { calls: 0, errors: 0, totalMs: 0, hist: new Map() } }));
        }
        entry.sum.calls += calls;
        entry.sum.errors += errors;
        entry.sum.totalMs += totalMs;
        for (let i = 0; i + 1 < buckets.length; i += 2) entry.sum.hist.set(buckets[i], (entry.sum.hist.get(buckets[i]) ?? 0) + buckets[i + 1]);
      }
    },
    /** The rows what was added since the last take() adds to, per period; forgets it. */
    take(): StatsRowSum[] {
      const rows = new Map<string, StatsRowSum>();
      for (const { call: c, sum } of minutes.values()) {
        for (const period of Object.keys(PERIODS) as Period[]) {
          const key: StatsRowSum['key'] = [CODE[period], c.at.slice(0, PERIODS[period]), c.agency, c.service, c.operation, c.consumer];
          const id = key.join('\u0000');
          const row = rows.get(id);
          if (!row) rows.set(id, { key, ...sum, hist: new Map(sum.hist) });
          else {
            row.calls += sum.calls;
            row.errors += sum.errors;
            row.totalMs += sum.totalMs;
            merge(row.hist, sum.hist);
          }
        }
      }
      minutes.clear();
      return [...rows.values()];
    },
    /** Forgets what was added (its batch was rolled back). */
    discard() {
      minutes.clear();
    },
  };
}

/**
 * Sums calls per minute, hour and day, operation and consumer, and writes each sum once per batch of tracks,
 * merged into what the table holds (a read and a write per row the batch touched, inside the batch's transaction).
 * Admin and token requests are not calls of operations and are left out by the caller.
 */
export function statsWriter(db: DatabaseSync) {
  const get = db.prepare(`select calls, errors, total_ms, hist from stats
    where period = ? and start = ? and agency = ? and service = ? and operation = ? and consumer = ?`);
  const put = db.prepare(`insert or replace into stats (period, start, agency, service, operation, consumer, calls,
    errors, total_ms, hist) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const sums = statsSums();
  return {
    add: sums.add,
    addSums: sums.addSums,
    /** Writes what was added since the last write. */
    write() {
      for (const { key, ...sum } of sums.take()) {
        const old = get.get(...key) as { calls: number; errors: number; total_ms: number; hist: string } | undefined;
        if (old) merge(sum.hist, decodeHistogram(old.hist));
        put.run(...key, sum.calls + (old?.calls ?? 0), sum.errors + (old?.errors ?? 0),
          Math.round((sum.totalMs + (old?.total_ms ?? 0)) * 1000) / 1000, encodeHistogram(sum.hist));
      }
    },
    discard: sums.discard,
  };
}

/** The statistics rows that have outlived their period's keeping: `[period code, start before]`. */
export function statsExpiry(now = Date.now()): [string, string][] {
  return (Object.entries(KEEP_DAYS) as [Period, number][]).map(([period, days]) =>
    [CODE[period], new Date(now - days * 86_400_000).toISOString().slice(0, PERIODS[period])]);
}

/** Drops minute rows after two weeks and hour rows after 400 days. */
export function pruneStats(db: DatabaseSync, now = Date.now()) {
  const drop = db.prepare('delete from stats where period = ? and start < ?');
  for (const [code, before] of statsExpiry(now)) drop.run(code, before);
}

export interface StatsQuery {
  period: Period;
  /** ISO times: the periods from the one holding `from` to the one holding `to`. */
  from?: string;
  to?: string;
  agency?: string;
  service?: string;
  operation?: string;
  consumer?: string;
}

export interface StatsRow {
  start: string;
  agency: string;
  service: string;
  operation: string;
  consumer: string;
  calls: number;
  errors: number;
  totalMs: number;
  hist: Histogram;
}

export function queryStats(db: DatabaseSync, q: StatsQuery): StatsRow[] {
  const len = PERIODS[q.period];
  const where = ['period = ?'];
  const args: string[] = [CODE[q.period]];
  if (q.from) where.push('start >= ?'), args.push(q.from.slice(0, len));
  if (q.to) where.push('start <= ?'), args.push(q.to.slice(0, len));
  for (const name of ['agency', 'service', 'operation', 'consumer'] as const) {
    if (q[name] !== undefined) where.push(`${name} = ?`), args.push(q[name]!);
  }
  const rows = db.prepare(`select * from stats where ${where.join(' and ')} order by start limit 200000`).all(...args) as any[];
  return rows.map((r) => ({
    start: r.start, agency: r.agency, service: r.service, operation: r.operation, consumer: r.consumer,
    calls: r.calls, errors: r.errors, totalMs: r.total_ms, hist: decodeHistogram(r.hist),
  }));
}
