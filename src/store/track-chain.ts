import type { DatabaseSync } from 'node:sqlite';
import { sha256Hex } from '../runtime/sha256.ts';
import type { TrackInput } from './types.ts';

/** The hash before the first track. */
export const GENESIS_HASH = '0'.repeat(64);

const required = ['at', 'requestId', 'interface', 'agency', 'service', 'operation', 'remote', 'userAgent', 'format'] as const;

/** A track's stored columns, in the order its hash covers them; a track the table would refuse is refused here. */
function trackValues(t: TrackInput) {
  for (const name of required) if (typeof t[name] !== 'string') throw new TypeError(`track without ${name}`);
  if (!Number.isFinite(t.status) || !Number.isFinite(t.code) || !Number.isFinite(t.durationMs)) {
    throw new TypeError('track without status, code or duration');
  }
  return [t.at, t.requestId, t.interface, t.agency, t.service, t.operation, t.subscription ?? null, t.consumer ?? null,
    t.remote, t.userAgent, t.format, t.status, t.code, t.durationMs, t.rows ?? null, t.params ?? null, t.note ?? null];
}

/** A track as one line of the track log: `[seq, ...columns]`. */
export function logLine(seq: number, t: TrackInput): string {
  return `[${seq},${JSON.stringify(trackValues(t)).slice(1)}\n`;
}

/**
 * Moves track-log lines into the tracks table in one transaction, on whichever thread holds `db`, and chains them
 * there: each track's hash covers the previous one, so an edit or deletion anywhere breaks the chain. Hashing here
 * rather than when logging keeps it off the serving thread. Idempotent (a seq already in the table is skipped), so
 * a batch may be ingested again after a crash or a retry. A line that does not parse (torn by a crash mid-write,
 * so never answered) is skipped. Statistics are summed per minute and operation for the tracks inserted: one write
 * each per batch. Returns the highest seq seen.
 */
export function trackIngester(db: DatabaseSync): (text: string) => number {
  const last = db.prepare('select seq, hash from tracks order by seq desc limit 1');
  const insert = db.prepare(`insert into tracks (seq, at, request_id, interface, agency, service, operation,
    subscription, consumer, remote, user_agent, format, status, code, duration_ms, rows, params, note, prev_hash, hash)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const stat = db.prepare(`insert into stats (minute, agency, service, operation, calls, errors, total_ms)
    values (?, ?, ?, ?, ?, ?, ?) on conflict do update set calls = calls + excluded.calls,
    errors = errors + excluded.errors, total_ms = total_ms + excluded.total_ms`);
  return (text) => {
    let upTo = 0;
    db.exec('begin immediate');
    try {
      const top = last.get() as { seq: number; hash: string } | undefined;
      let [lastSeq, prev] = [top?.seq ?? 0, top?.hash ?? GENESIS_HASH];
      const stats = new Map<string, [string, string, string, string, number, number, number]>();
      for (const line of text.split('\n')) {
        let row: (string | number | null)[];
        try {
          row = JSON.parse(line);
        } catch {
          continue;
        }
        if (!Array.isArray(row) || row.length !== 18 || typeof row[0] !== 'number') continue;
        const seq = row[0];
        upTo = Math.max(upTo, seq);
        if (seq <= lastSeq) continue;
        // The columns' JSON as logged (JSON text round-trips exactly), without the leading seq.
        const hash = sha256Hex(prev + '[' + line.slice(line.indexOf(',') + 1));
        insert.run(seq, row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11],
          row[12], row[13], row[14], row[15], row[16], row[17], prev, hash);
        [lastSeq, prev] = [seq, hash];
        const [at, agency, service, operation, status, code, ms] =
          [row[1], row[4], row[5], row[6], row[12], row[13], row[14]] as [string, string, string, string, number, number, number];
        const minute = at.slice(0, 16);
        const key = `${minute} ${agency}/${service}/${operation}`;
        const s = stats.get(key) ?? [minute, agency, service, operation, 0, 0, 0];
        s[4]++;
        if (status >= 400 || code !== 200) s[5]++;
        s[6] += ms;
        stats.set(key, s);
      }
      for (const s of stats.values()) stat.run(...s);
      db.exec('commit');
    } catch (err) {
      if (db.isTransaction) db.exec('rollback');
      throw err;
    }
    return upTo;
  };
}
