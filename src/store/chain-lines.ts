import { sha256Hex } from '../runtime/sha256.ts';
import { chainText, decodeLine } from './track-line.ts';
import { countsAsCall, failed, type StatsCall } from './stats-table.ts';

/** An entry of a hash chain: its line as logged and the hash that covers it and the one before. */
export interface ChainEntry {
  seq: number;
  line: string;
  hash: string;
}

/** The hash of an entry: SHA-256 of the hash before it and its line without the seq (track-line.ts chainText). */
export const entryHash = (prevHash: string, line: string): string => sha256Hex(chainText(prevHash, line));

export interface ChainedLines {
  /** The lines after the chain's top, in order, each hashed on the one before. */
  entries: ChainEntry[];
  /** Lines at or below the top: already in the chain (a batch ingested again), or someone else's. */
  known: { seq: number; line: string }[];
  /** The highest seq seen. */
  upTo: number;
}

/**
 * Chains track-log lines onto a chain ending at `top`: the one place where the chain's hashes are made, for the
 * embedded store (track-chain.ts) and the cluster store (postgres/trail-ingest.ts) alike, so that both keep the
 * same bytes. `logged` lines are this process's own (whole: only their seq is read, their statistics come summed
 * with them); otherwise (a killed run's leftover log) each line is parsed, a torn one skipped, and the calls of
 * new entries counted into `stats`.
 */
export function chainLines(
  text: string, top: { seq: number; hash: string }, opts: { logged: boolean; stats: { add(c: StatsCall): void } },
): ChainedLines {
  let [lastSeq, prev] = [top.seq, top.hash];
  const entries: ChainEntry[] = [], known: { seq: number; line: string }[] = [];
  let upTo = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let seq: number;
    if (opts.logged) seq = Number(line.slice(1, line.indexOf(',')));
    else {
      const t = decodeLine(line);
      if (!t) continue;
      seq = t.seq;
      if (seq > lastSeq && countsAsCall(t)) {
        opts.stats.add({ at: t.at, agency: t.agency, service: t.service, operation: t.operation, consumer: t.consumer ?? '', failed: failed(t), durationMs: t.durationMs });
      }
    }
    if (seq > upTo) upTo = seq;
    if (seq <= lastSeq) {
      known.push({ seq, line });
      continue;
    }
    const hash = entryHash(prev, line);
    entries.push({ seq, line, hash });
    [lastSeq, prev] = [seq, hash];
  }
  return { entries, known, upTo };
}
