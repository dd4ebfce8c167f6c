import { DatabaseSync } from 'node:sqlite';
import { queryStats, type StatsQuery } from './stats-table.ts';
import { checkSchema } from './schema-check.ts';
import { StoreOpenError } from './open-errors.ts';
import type { Checkpoint, TrailReader, TrailRow } from './trail-types.ts';

/**
 * Opens a store file read-only and starts one read transaction, so that everything read is one snapshot while a
 * server goes on writing beside it (WAL). Takes no data-dir lock: reading needs none. Refuses a store of another
 * schema (it cannot migrate one).
 */
export function openTrailReader(file: string): TrailReader {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (err) {
    throw new StoreOpenError('corrupt', { file, cause: (err as Error).message });
  }
  try {
    db.exec('pragma busy_timeout = 5000');
    checkSchema(db, file);
    db.exec('begin');
    const rows = db.prepare('select seq, line, hash from tracks where seq > ? order by seq limit ?');
    const row = db.prepare('select seq, line, hash from tracks where seq = ?');
    const find = db.prepare('select seq, line, hash from tracks where seq > ? and seq <= ? and instr(line, ?) > 0 order by seq');
    // Two subqueries: SQLite answers a lone min() or max() from the index, but scans the table for both at once.
    const bounds = db.prepare('select (select min(seq) from tracks) as first, (select max(seq) from tracks) as last');
    const checkpoints = db.prepare('select * from checkpoints order by seq, kind');
    const lastCheckpoint = db.prepare('select * from checkpoints order by seq desc limit 1');
    const decode = (c: any): Checkpoint => ({ seq: c.seq, kind: c.kind, at: c.at, hash: c.hash, keyId: c.key_id, signature: c.signature });
    return {
      rows: async (after, limit) => rows.all(after, limit) as unknown as TrailRow[],
      row: async (seq) => row.get(seq) as unknown as TrailRow | undefined,
      find: async (text, after, upTo) => find.all(after, upTo, text) as unknown as TrailRow[],
      async bounds() {
        const b = bounds.get() as { first: number | null; last: number | null };
        return { first: b.first ?? undefined, last: b.last ?? undefined };
      },
      checkpoints: async () => (checkpoints.all() as any[]).map(decode),
      async lastCheckpoint() {
        const c = lastCheckpoint.get();
        return c ? decode(c) : undefined;
      },
      stats: async (q: StatsQuery) => queryStats(db, q),
      async close() {
        if (!db.isOpen) return;
        if (db.isTransaction) db.exec('commit');
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
