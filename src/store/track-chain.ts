import type { DatabaseSync } from 'node:sqlite';
import { chainLines } from './chain-lines.ts';
import { type StatsChunk, statsWriter } from './stats-table.ts';

/** The hash before the first track. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Moves track-log lines into the tracks table in one transaction, on whichever thread holds `db`, and chains them
 * there: each track's hash covers the previous one, so an edit or deletion anywhere breaks the chain. The line is
 * stored as it was logged (the hash covers those bytes), which also keeps the insert to three columns. Hashing
 * here rather than when logging keeps it off the serving thread. Idempotent (a seq already in the table is
 * skipped), so a batch may be ingested again after a crash or a retry. Statistics come summed with the lines
 * (`chunks`, each counted once: only if its first seq is new), so that lines need no parsing here; without them
 * (what a crashed process left in the track log) every line is parsed, a line that does not parse (torn by a
 * crash mid-write, so never answered) skipped, and the calls of operations summed. One write per period and key
 * per batch. Returns the highest seq seen.
 */
export function trackIngester(db: DatabaseSync): (text: string, chunks?: StatsChunk[]) => number {
  const last = db.prepare('select seq, hash from tracks order by seq desc limit 1');
  // Retention may have removed every entry: the chain then goes on from its signed cut.
  const lastCut = db.prepare(`select seq, hash from checkpoints where kind = 'cut' order by seq desc limit 1`);
  const insert = db.prepare('insert into tracks (seq, line, hash) values (?, ?, ?)');
  const stats = statsWriter(db);
  return (text, chunks) => {
    db.exec('begin immediate');
    try {
      const top = (last.get() ?? lastCut.get()) as { seq: number; hash: string } | undefined;
      const from = top ?? { seq: 0, hash: GENESIS_HASH };
      if (chunks) for (const chunk of chunks) if (chunk.from > from.seq) stats.addSums(chunk.sums);
      const chained = chainLines(text, from, { logged: !!chunks, stats });
      for (const e of chained.entries) insert.run(e.seq, e.line, e.hash);
      stats.write();
      db.exec('commit');
      return chained.upTo;
    } catch (err) {
      stats.discard();
      if (db.isTransaction) db.exec('rollback');
      throw err;
    }
  };
}
