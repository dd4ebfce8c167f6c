import { GENESIS_HASH } from '../track-chain.ts';
import { chainLines, entryHash } from '../chain-lines.ts';
import { type StatsChunk, statsSums } from '../stats-table.ts';
import type { Sql } from './connection.ts';
import { statsColumns, statsUpsert } from './trail-stats.ts';

/** Where a node's chain ends: its last entry, or (retention removed them all) its latest cut; else the genesis. */
export async function chainTop(sql: Sql, node: string): Promise<{ seq: number; hash: string }> {
  const [top] = await sql<{ seq: string; hash: string }[]>`select seq, hash from tracks where node = ${node} order by seq desc limit 1`;
  if (top) return { seq: Number(top.seq), hash: top.hash };
  const [cut] = await sql<{ seq: string; hash: string }[]>`
    select seq, hash from checkpoints where node = ${node} and kind = 'cut' order by seq desc limit 1`;
  return cut ? { seq: Number(cut.seq), hash: cut.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * A logged line whose seq the chain already holds with another line (or hash): another process wrote this node's
 * chain (it took the node id), or the chain was edited. The log is evidence then: it is kept, never released.
 */
export class ChainConflict extends Error {
  constructor(readonly node: string, readonly seq: number) {
    super(`the chain of node ${node} holds another entry at seq ${seq} than this node logged`);
  }
}

/**
 * Moves track-log lines of this node into its chain in PostgreSQL and chains them as the embedded store does
 * (chain-lines.ts: the same lines, the same hashes). The lines and their statistics go in ONE statement (no
 * transaction block: postgres.js 3.4.9 crashes the process when a connection dies inside sql.begin(), issue
 * porsager/postgres#1208), so a batch is in whole or not at all. Idempotent: a seq already in the chain is not
 * written again, so a batch whose commit reached nobody (the connection was cut) may come again and adds nothing
 * twice; should the first attempt still commit after the retry read the chain's end, the key (node, seq) refuses
 * the later of the two, whole, and the next retry finds it in. A line at or below the chain's top must be in the
 * chain as it was logged (same line, hash made on the entry before): otherwise ChainConflict, and nothing of the
 * batch goes in. Statistics come summed with the lines (`chunks`), each counted with the batch that takes its
 * first seq; without them (a killed run's leftover log) the lines are parsed and torn ones skipped. Returns the
 * highest seq seen.
 */
export function pgTrackIngester(sql: Sql, node: string): (text: string, chunks?: StatsChunk[]) => Promise<number> {
  return async (text, chunks) => {
    const top = await chainTop(sql, node);
    const stats = statsSums();
    const { entries, known, upTo } = chainLines(text, top, { logged: !!chunks, stats });
    const below = known.filter((k) => k.seq <= top.seq);
    if (below.length) await checkKnown(sql, node, below);
    if (entries.length === 0) return upTo;
    const last = entries[entries.length - 1].seq;
    if (chunks) for (const chunk of chunks) if (chunk.from > top.seq && chunk.from <= last) stats.addSums(chunk.sums);
    await sql`with t as (insert into tracks (node, seq, line, hash)
        select ${node}, * from unnest(${entries.map((e) => e.seq)}::bigint[], ${entries.map((e) => e.line)}::text[],
          ${entries.map((e) => e.hash)}::text[]) returning 1),
      s as (${statsUpsert(sql, node, statsColumns(stats.take()))})
      select (select count(*) from t) as tracks, (select count(*) from s) as sums`;
    return upTo;
  };
}

/**
 * Lines already below the chain's top: each must be stored as logged, with the hash made on the entry before it.
 * An entry removed by retention (at or below the latest cut) counts as in.
 */
async function checkKnown(sql: Sql, node: string, lines: { seq: number; line: string }[]) {
  const seqs = lines.map((l) => l.seq);
  const rows = await sql<{ seq: string; line: string; hash: string }[]>`select seq, line, hash from tracks
    where node = ${node} and seq = any(${[...seqs, ...seqs.map((s) => s - 1)]}::bigint[])`;
  const [cut] = await sql<{ seq: string; hash: string }[]>`select seq, hash from checkpoints
    where node = ${node} and kind = 'cut' order by seq desc limit 1`;
  const stored = new Map(rows.map((r) => [Number(r.seq), r]));
  const cutSeq = cut ? Number(cut.seq) : 0;
  for (const { seq, line } of lines) {
    const row = stored.get(seq);
    if (!row) {
      if (seq <= cutSeq) continue;
      throw new ChainConflict(node, seq);
    }
    const prev = seq === 1 ? GENESIS_HASH : stored.get(seq - 1)?.hash ?? (seq - 1 === cutSeq ? cut!.hash : undefined);
    if (row.line !== line || (prev !== undefined && row.hash !== entryHash(prev, line))) throw new ChainConflict(node, seq);
  }
}
