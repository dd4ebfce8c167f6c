import { signCheckpoint } from '../../audit/checkpoint.ts';
import type { SigningKey } from '../../audit/keys.ts';
import { decodeLine } from '../track-line.ts';
import type { Retention } from '../trail-upkeep.ts';
import type { Checkpoint, PruneResult } from '../trail-types.ts';
import type { Sql } from './connection.ts';
import { chainNodes } from './trail-reader.ts';
import { prunePgStats } from './trail-stats.ts';

/** Rows deleted per statement, so that this node's ingestion waits only briefly for a prune. */
const DELETE_CHUNK = 20_000;
/** Per-row bytes besides the line (node, hash, seq, b-tree), for the size limit. */
const ROW_OVERHEAD = 100;

async function store(sql: Sql, node: string, c: Checkpoint) {
  await sql`insert into checkpoints (node, seq, kind, at, hash, key_id, signature)
    values (${node}, ${c.seq}, ${c.kind}, ${c.at}, ${c.hash}, ${c.keyId}, ${c.signature})
    on conflict (node, seq, kind) do update set at = excluded.at, hash = excluded.hash, key_id = excluded.key_id,
      signature = excluded.signature`;
  return c;
}

/**
 * Checkpoints and retention of this node's chain, signed with this node's key: the embedded store's upkeep
 * (trail-upkeep.ts) per chain. A node prunes only its own chain (only it can sign the cut); the size limit is
 * shared out among the chains the store holds.
 */
export function pgTrailUpkeep(sql: Sql, node: string, key: SigningKey) {
  const top = async () => (await sql<{ seq: string; hash: string }[]>`
    select seq, hash from tracks where node = ${node} order by seq desc limit 1`)[0];
  const atOrAfter = async (seq: number) => (await sql<{ seq: string; line: string; hash: string }[]>`
    select seq, line, hash from tracks where node = ${node} and seq >= ${seq} order by seq limit 1`)[0];

  /** The seq of the last entry that started before `iso` (entries are numbered as they end: close to time order). */
  async function lastBefore(iso: string, first: number, last: number): Promise<number> {
    let [lo, hi] = [first - 1, last];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi + 1) / 2);
      const row = await atOrAfter(mid);
      const at = row && decodeLine(row.line)?.at;
      if (at !== undefined && at < iso) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  return {
    /** Signs the last entry if no checkpoint covers it yet. */
    async checkpoint(now = new Date()): Promise<Checkpoint | undefined> {
      const t = await top();
      const [covered] = await sql<{ seq: string | null }[]>`select max(seq) as seq from checkpoints where node = ${node}`;
      if (!t || (covered.seq !== null && Number(covered.seq) >= Number(t.seq))) return undefined;
      return store(sql, node, signCheckpoint(key, { seq: Number(t.seq), kind: 'periodic', at: now.toISOString(), hash: t.hash }));
    },

    async prune(policy: Retention, now = Date.now()): Promise<PruneResult> {
      await prunePgStats(sql, now);
      const t = await top();
      const [b] = await sql<{ seq: string }[]>`select seq from tracks where node = ${node} order by seq limit 1`;
      const [lastCut] = await sql<{ seq: string | null }[]>`select max(seq) as seq from checkpoints where node = ${node} and kind = 'cut'`;
      if (!t || !b) return { removed: 0 };
      const [topSeq, bottom, cutBefore] = [Number(t.seq), Number(b.seq), Number(lastCut.seq ?? 0)];
      let cut = cutBefore;
      if (policy.days > 0) cut = Math.max(cut, await lastBefore(new Date(now - policy.days * 86_400_000).toISOString(), bottom, topSeq));
      if (policy.megabytes > 0) {
        const [sample] = await sql<{ n: number | null }[]>`select avg(length(line))::float8 as n from
          (select line from tracks where node = ${node} order by seq desc limit 1000) s`;
        const share = (policy.megabytes * 1024 * 1024) / Math.max(1, (await chainNodes(sql)).length);
        const perRow = (sample.n ?? 0) + ROW_OVERHEAD;
        const from = Math.max(bottom, cutBefore + 1);
        const over = (topSeq - from + 1) * perRow - share;
        if (over > 0) cut = Math.max(cut, from + Math.ceil(over / perRow) - 1);
      }
      if (cut < bottom) return { removed: 0 };
      if (cut > cutBefore) {
        const at = await atOrAfter(cut);
        cut = Number(at.seq);
        // Signed and stored before anything is deleted: an interrupted prune leaves a chain that still verifies.
        await store(sql, node, signCheckpoint(key, { seq: cut, kind: 'cut', at: new Date(now).toISOString(), hash: at.hash }));
      }
      let removed = 0;
      for (let from = bottom; from <= cut; from += DELETE_CHUNK) {
        const upTo = Math.min(cut, from + DELETE_CHUNK - 1);
        removed += (await sql`delete from tracks where node = ${node} and seq >= ${from} and seq <= ${upTo}`).count;
      }
      await sql`delete from checkpoints where node = ${node} and seq < ${cut}`;
      return { cut, removed };
    },
  };
}

export type PgTrailUpkeep = ReturnType<typeof pgTrailUpkeep>;
