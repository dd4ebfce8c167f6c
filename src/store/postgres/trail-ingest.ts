import { sha256Hex } from '../../runtime/sha256.ts';
import { GENESIS_HASH } from '../track-chain.ts';
import { chainText, decodeLine } from '../track-line.ts';
import { countsAsCall, failed, type StatsChunk, statsSums } from '../stats-table.ts';
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
 * Moves track-log lines of this node into its chain in PostgreSQL and chains them as the embedded store does
 * (track-chain.ts: the same lines, the same hashes). The lines and their statistics go in ONE statement (no
 * transaction block: postgres.js 3.4.9 crashes the process when a connection dies inside sql.begin(), issue
 * porsager/postgres#1208), so a batch is in whole or not at all. Idempotent: a seq already in the chain is skipped,
 * so a batch whose commit reached nobody (the connection was cut) may come again and adds nothing twice; should
 * the first attempt still commit after the retry read the chain's end, the key (node, seq) refuses the later of
 * the two, whole, and the next retry skips what is in. Statistics come summed with the lines (`chunks`), each
 * counted with the batch that takes its first seq; without them (a killed run's leftover log) the lines are
 * parsed and torn ones skipped. Returns the highest seq seen.
 */
export function pgTrackIngester(sql: Sql, node: string): (text: string, chunks?: StatsChunk[]) => Promise<number> {
  return async (text, chunks) => {
    const top = await chainTop(sql, node);
    let [lastSeq, prev] = [top.seq, top.hash];
    const seqs: number[] = [], lines: string[] = [], hashes: string[] = [];
    const stats = statsSums();
    let upTo = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let seq: number;
      if (chunks) seq = Number(line.slice(1, line.indexOf(','))); // lines this process logged are whole
      else {
        const t = decodeLine(line);
        if (!t) continue;
        seq = t.seq;
        if (seq > lastSeq && countsAsCall(t)) {
          stats.add({ at: t.at, agency: t.agency, service: t.service, operation: t.operation, consumer: t.consumer ?? '', failed: failed(t), durationMs: t.durationMs });
        }
      }
      if (seq > upTo) upTo = seq;
      if (seq <= lastSeq) continue;
      const hash = sha256Hex(chainText(prev, line));
      seqs.push(seq), lines.push(line), hashes.push(hash);
      [lastSeq, prev] = [seq, hash];
    }
    if (seqs.length === 0) return upTo;
    if (chunks) for (const chunk of chunks) if (chunk.from > top.seq && chunk.from <= lastSeq) stats.addSums(chunk.sums);
    await sql`with t as (insert into tracks (node, seq, line, hash)
        select ${node}, * from unnest(${seqs}::bigint[], ${lines}::text[], ${hashes}::text[]) returning 1),
      s as (${statsUpsert(sql, node, statsColumns(stats.take()))})
      select (select count(*) from t) as tracks, (select count(*) from s) as sums`;
    return upTo;
  };
}
