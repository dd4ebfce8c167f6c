import type { DatabaseSync } from 'node:sqlite';
import { sha256Hex } from '../runtime/sha256.ts';
import { chainText, decodeLine } from './track-line.ts';
import { statsWriter } from './stats-table.ts';

/** The hash before the first track. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Moves track-log lines into the tracks table in one transaction, on whichever thread holds `db`, and chains them
 * there: each track's hash covers the previous one, so an edit or deletion anywhere breaks the chain. The line is
 * stored as it was logged (the hash covers those bytes), which also keeps the insert to three columns. Hashing
 * here rather than when logging keeps it off the serving thread. Idempotent (a seq already in the table is
 * skipped), so a batch may be ingested again after a crash or a retry. A line that does not parse (torn by a crash
 * mid-write, so never answered) is skipped. Statistics are summed for the calls of operations inserted (admin and
 * token requests, which name no service, left out): one write per period and key per batch. Returns the highest seq seen.
 */
export function trackIngester(db: DatabaseSync): (text: string) => number {
  const last = db.prepare('select seq, hash from tracks order by seq desc limit 1');
  const insert = db.prepare('insert into tracks (seq, line, hash) values (?, ?, ?)');
  const stats = statsWriter(db);
  return (text) => {
    let upTo = 0;
    db.exec('begin immediate');
    try {
      const top = last.get() as { seq: number; hash: string } | undefined;
      let [lastSeq, prev] = [top?.seq ?? 0, top?.hash ?? GENESIS_HASH];
      for (const line of text.split('\n')) {
        const t = line && decodeLine(line);
        if (!t) continue;
        upTo = Math.max(upTo, t.seq);
        if (t.seq <= lastSeq) continue;
        const hash = sha256Hex(chainText(prev, line));
        insert.run(t.seq, line, hash);
        [lastSeq, prev] = [t.seq, hash];
        if (t.service !== '') {
          stats.add({
            at: t.at, agency: t.agency, service: t.service, operation: t.operation, consumer: t.consumer ?? '',
            failed: t.status >= 400 || t.code !== 200, durationMs: t.durationMs,
          });
        }
      }
      stats.write();
      db.exec('commit');
    } catch (err) {
      stats.discard();
      if (db.isTransaction) db.exec('rollback');
      throw err;
    }
    return upTo;
  };
}
