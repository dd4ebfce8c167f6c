import type { DatabaseSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
import type { TrackInput } from './types.ts';

/** The hash before the first track. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Appends tracks in one transaction on `db`, used by the serving thread and by the store's writer thread alike.
 * Each track's hash covers the previous one (read inside the transaction, so any connection may append): an edit
 * or deletion anywhere breaks the chain. Statistics are summed per minute and operation: one write each per batch.
 */
export function trackAppender(db: DatabaseSync): (rows: TrackInput[]) => void {
  const last = db.prepare('select hash from tracks order by seq desc limit 1');
  const insert = db.prepare(`insert into tracks (at, request_id, interface, agency, service, operation, subscription,
    consumer, remote, user_agent, format, status, code, duration_ms, rows, params, note, prev_hash, hash)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const stat = db.prepare(`insert into stats (minute, agency, service, operation, calls, errors, total_ms)
    values (?, ?, ?, ?, ?, ?, ?) on conflict do update set calls = calls + excluded.calls,
    errors = errors + excluded.errors, total_ms = total_ms + excluded.total_ms`);
  return (rows) => {
    if (rows.length === 0) return;
    db.exec('begin immediate');
    try {
      let prev = (last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
      const stats = new Map<string, [string, string, string, string, number, number, number]>();
      for (const t of rows) {
        const values = [t.at, t.requestId, t.interface, t.agency, t.service, t.operation, t.subscription ?? null,
          t.consumer ?? null, t.remote, t.userAgent, t.format, t.status, t.code, t.durationMs, t.rows ?? null,
          t.params ?? null, t.note ?? null] as const;
        const hash = createHash('sha256').update(prev).update(JSON.stringify(values)).digest('hex');
        insert.run(...values, prev, hash);
        prev = hash;
        const minute = t.at.slice(0, 16);
        const key = `${minute} ${t.agency}/${t.service}/${t.operation}`;
        const s = stats.get(key) ?? [minute, t.agency, t.service, t.operation, 0, 0, 0];
        s[4]++;
        if (t.status >= 400 || t.code !== 200) s[5]++;
        s[6] += t.durationMs;
        stats.set(key, s);
      }
      for (const s of stats.values()) stat.run(...s);
      db.exec('commit');
    } catch (err) {
      if (db.isTransaction) db.exec('rollback');
      throw err;
    }
  };
}
