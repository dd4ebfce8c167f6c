import type { DatabaseSync } from 'node:sqlite';
import { signCheckpoint } from '../audit/checkpoint.ts';
import type { SigningKey } from '../audit/keys.ts';
import { decodeLine } from './track-line.ts';
import { pruneStats } from './stats-table.ts';
import type { Checkpoint, PruneResult } from './trail-types.ts';

/** How long the trail keeps entries: by age in days and by size in megabytes; 0 = no limit. */
export interface Retention {
  days: number;
  megabytes: number;
}

/** Rows deleted per transaction, so that ingestion waits at most a few milliseconds for a prune. */
const DELETE_CHUNK = 20_000;
/** Per-row bytes besides the line (hash, seq, b-tree), for the size limit. */
const ROW_OVERHEAD = 80;

/**
 * Checkpoints and retention, on whichever thread writes the trail (the writer thread, or the serving thread when
 * the writer could not start). A checkpoint signs the last entry's seq and hash. Retention first signs a `cut`
 * checkpoint at the last entry it removes, then deletes up to it in chunks: a verifier starts the chain from the
 * latest cut, so the trail stays verifiable across pruning, and an interrupted prune just goes on the next time.
 */
export function trailUpkeep(db: DatabaseSync, key: SigningKey) {
  const q = {
    last: db.prepare('select seq, hash from tracks order by seq desc limit 1'),
    first: db.prepare('select seq from tracks order by seq limit 1'),
    lastCheckpoint: db.prepare('select max(seq) as seq from checkpoints'),
    lastCut: db.prepare(`select max(seq) as seq from checkpoints where kind = 'cut'`),
    insert: db.prepare('insert or replace into checkpoints (seq, kind, at, hash, key_id, signature) values (?, ?, ?, ?, ?, ?)'),
    atOrAfter: db.prepare('select seq, line, hash from tracks where seq >= ? order by seq limit 1'),
    sample: db.prepare('select avg(length(line)) as n from (select line from tracks order by seq desc limit 1000)'),
    remove: db.prepare('delete from tracks where seq >= ? and seq <= ?'),
    removeCheckpoints: db.prepare('delete from checkpoints where seq < ?'),
    settings: db.prepare(`select body from entities where kind = 'settings' and id = 'settings'`),
  };

  function store(c: Checkpoint) {
    q.insert.run(c.seq, c.kind, c.at, c.hash, c.keyId, c.signature);
    return c;
  }

  /** The seq of the last entry that started before `iso` (entries are numbered as they end: close to time order). */
  function lastBefore(iso: string, first: number, last: number): number {
    let [lo, hi] = [first - 1, last];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi + 1) / 2);
      const row = q.atOrAfter.get(mid) as { line: string } | undefined;
      const at = row && decodeLine(row.line)?.at;
      if (at !== undefined && at < iso) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  return {
    /** Signs the last entry if no checkpoint covers it yet. */
    checkpoint(now = new Date()): Checkpoint | undefined {
      const top = q.last.get() as { seq: number; hash: string } | undefined;
      const covered = (q.lastCheckpoint.get() as { seq: number | null }).seq;
      if (!top || (covered !== null && covered >= top.seq)) return undefined;
      return store(signCheckpoint(key, { seq: top.seq, kind: 'periodic', at: now.toISOString(), hash: top.hash }));
    },

    /** The retention settings as stored now. */
    retention(): Retention {
      const row = q.settings.get() as { body: string } | undefined;
      const r = row ? JSON.parse(row.body).retention : undefined;
      return { days: Number(r?.days) || 0, megabytes: Number(r?.megabytes) || 0 };
    },

    prune(policy: Retention, now = Date.now()): PruneResult {
      pruneStats(db, now);
      const top = q.last.get() as { seq: number } | undefined;
      const bottom = q.first.get() as { seq: number } | undefined;
      const cutBefore = (q.lastCut.get() as { seq: number | null }).seq ?? 0;
      if (!top || !bottom) return { removed: 0 };
      let cut = cutBefore;
      if (policy.days > 0) cut = Math.max(cut, lastBefore(new Date(now - policy.days * 86_400_000).toISOString(), bottom.seq, top.seq));
      if (policy.megabytes > 0) {
        const perRow = ((q.sample.get() as { n: number | null }).n ?? 0) + ROW_OVERHEAD;
        const over = (top.seq - Math.max(bottom.seq, cutBefore + 1) + 1) * perRow - policy.megabytes * 1024 * 1024;
        if (over > 0) cut = Math.max(cut, Math.max(bottom.seq, cutBefore + 1) + Math.ceil(over / perRow) - 1);
      }
      if (cut < bottom.seq) return { removed: 0 };
      if (cut > cutBefore) {
        const at = q.atOrAfter.get(cut) as { seq: number; hash: string };
        cut = at.seq;
        db.exec('begin immediate');
        try {
          store(signCheckpoint(key, { seq: at.seq, kind: 'cut', at: new Date(now).toISOString(), hash: at.hash }));
          db.exec('commit');
        } catch (err) {
          db.exec('rollback');
          throw err;
        }
      }
      let removed = 0;
      for (let from = bottom.seq; from <= cut; from += DELETE_CHUNK) {
        removed += Number(q.remove.run(from, Math.min(cut, from + DELETE_CHUNK - 1)).changes);
      }
      q.removeCheckpoints.run(cut);
      return { cut, removed };
    },
  };
}

export type TrailUpkeep = ReturnType<typeof trailUpkeep>;
