import type { DatabaseSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
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

/**
 * A track as one line of the track log, `[seq, prev_hash, hash, ...columns]`. Its hash covers the previous one:
 * an edit or deletion anywhere breaks the chain.
 */
export function chainLine(seq: number, prev: string, t: TrackInput): { line: string; hash: string } {
  const json = JSON.stringify(trackValues(t));
  const hash = createHash('sha256').update(prev).update(json).digest('hex');
  return { line: `[${seq},"${prev}","${hash}",${json.slice(1)}\n`, hash };
}

/**
 * Moves track-log lines into the tracks table in one transaction, on whichever thread holds `db`. Idempotent (a
 * seq already there is skipped), so a batch may be ingested again after a crash or a retry. A line that does not
 * parse (torn by a crash mid-write, so never answered) is skipped. Statistics are summed per minute and
 * operation for the tracks actually inserted: one write each per batch. Returns the highest seq seen.
 */
export function trackIngester(db: DatabaseSync): (text: string) => number {
  const insert = db.prepare(`insert or ignore into tracks (seq, prev_hash, hash, at, request_id, interface, agency,
    service, operation, subscription, consumer, remote, user_agent, format, status, code, duration_ms, rows, params,
    note) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const stat = db.prepare(`insert into stats (minute, agency, service, operation, calls, errors, total_ms)
    values (?, ?, ?, ?, ?, ?, ?) on conflict do update set calls = calls + excluded.calls,
    errors = errors + excluded.errors, total_ms = total_ms + excluded.total_ms`);
  return (text) => {
    let upTo = 0;
    db.exec('begin immediate');
    try {
      const stats = new Map<string, [string, string, string, string, number, number, number]>();
      for (const line of text.split('\n')) {
        if (line === '') continue;
        let row: (string | number | null)[];
        try {
          row = JSON.parse(line);
        } catch {
          continue;
        }
        if (!Array.isArray(row) || row.length !== 20 || typeof row[0] !== 'number') continue;
        upTo = Math.max(upTo, row[0]);
        if (insert.run(...row).changes === 0) continue;
        const [at, agency, service, operation, status, code, ms] = [row[3], row[6], row[7], row[8], row[14], row[15], row[16]] as
          [string, string, string, string, number, number, number];
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
