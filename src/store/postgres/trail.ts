import fs from 'node:fs';
import path from 'node:path';
import type { SigningKey } from '../../audit/keys.ts';
import { log } from '../../observability/log.ts';
import { type StatsChunk, sumTracks } from '../stats-table.ts';
import { decodeLine } from '../track-line.ts';
import { TrackIngest } from '../track-ingest.ts';
import { TrackLog } from '../track-log.ts';
import { readSpans, type Span } from '../track-span.ts';
import type { Retention } from '../trail-upkeep.ts';
import type { Checkpoint, PruneResult, TrailReader } from '../trail-types.ts';
import { StoreError, type TrackInput, type TrackRecord } from '../types.ts';
import { CHECKPOINT_MS, PRUNE_MS } from '../writer-thread.ts';
import type { Sql } from './connection.ts';
import { ChainConflict, chainTop, pgTrackIngester } from './trail-ingest.ts';
import { openPgTrailReader } from './trail-reader.ts';
import { pgTrailUpkeep } from './trail-upkeep.ts';

export { trailMigrations } from './trail-schema.ts';

/** How often logged tracks move to PostgreSQL: a round trip per batch, so larger batches than the embedded store's. */
const INGEST_MS = 100;
/**
 * Tracks waiting in the local log for PostgreSQL, in bytes of lines (about 400,000 tracks): past it calls are
 * refused, as no call is answered without its track. They wait on disk; memory holds their places and sums.
 */
const MAX_BACKLOG = 128 * 1024 * 1024;

export interface PgTrailOptions {
  /** This node's id: it names the node's chain. */
  node: string;
  /** The node's data directory: its track log (DATA/tracks). */
  dataDir: string;
  /** This node's checkpoint signing key; without it the trail is read-only. */
  signingKey?: SigningKey;
  /** The retention settings as they are now. */
  retention: () => Retention;
}

export interface PgTrail {
  appendTracks(rows: TrackInput[]): Promise<void>;
  tracks(opts: { after?: number; limit: number }): Promise<TrackRecord[]>;
  trail(): Promise<TrailReader>;
  checkpoint(): Promise<Checkpoint | undefined>;
  prune(): Promise<PruneResult>;
  close(): Promise<void>;
  /**
   * Stops this node's tracked calls and ingestion, keeping the track log as it is: another process took this
   * node's id (the heartbeat says so), or the chain holds entries this node did not log. Logged once, clearly.
   */
  halt(why: string): void;
}

/**
 * The audit trail in the cluster store, one hash chain per node. Durable as in the embedded store: a track is in
 * this node's local track log (DATA/tracks) before its call counts as tracked, and moves to PostgreSQL in
 * batches; while PostgreSQL is away the tracks wait in the log and go once it is back, and what a killed run left
 * in the log is taken over here, before anything new is numbered. The node's public key is published for the
 * verifiers; its checkpoints and retention cuts are signed with its own key.
 */
export async function openPgTrail(sql: Sql, opts: PgTrailOptions): Promise<PgTrail> {
  const { node, signingKey } = opts;
  if (!signingKey) return readOnlyTrail(sql, node);
  if (!node) throw new StoreError('invalid', 'a node id is needed to write the trail');
  const ingestChain = pgTrackIngester(sql, node);
  const upkeep = pgTrailUpkeep(sql, node, signingKey);
  const logDir = path.join(opts.dataDir, 'tracks');
  const pem = signingKey.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  await sql`insert into trail_keys (node, key_id, public_key) values (${node}, ${signingKey.keyId}, ${pem})
    on conflict (node, key_id) do nothing`;

  let halted: string | undefined;
  let stopIngest = () => {};
  const halt = (why: string) => {
    if (halted) return;
    halted = why;
    stopIngest();
    log('error', 'this node refuses tracked calls: its track log is kept as it is and not moved to the cluster store', { node, why });
  };
  /** A conflict in the chain stops ingestion for good (the log is kept); anything else is tried again. */
  const ingestHere = async (text: string, stats?: StatsChunk[]) => {
    if (halted) throw new StoreError('unavailable', 'the trail of this node is stopped');
    try {
      return await ingestChain(text, stats);
    } catch (err) {
      if (err instanceof ChainConflict) halt(`the chain already holds another entry at seq ${err.seq} (another process used node id ${node}?)`);
      throw err;
    }
  };

  /** Every segment in the log into the chain, then deleted: a killed run's leftovers, or what close() found. */
  async function ingestSegments() {
    for (const file of TrackLog.segments(logDir)) {
      await ingestHere(fs.readFileSync(file, 'utf8'));
      fs.rmSync(file, { force: true });
    }
  }
  try {
    await ingestSegments();
  } catch (err) {
    if (!(err instanceof ChainConflict)) throw err; // halted: the node opens, refusing tracked calls
  }
  const trackLog = new TrackLog(logDir, (await chainTop(sql, node)).seq);
  // One statement per span (a segment at most), so that a long backlog goes in pieces, each kept once done.
  let inFlight: Promise<number> | undefined;
  const sink = (spans: Span[], stats: StatsChunk[]) => (inFlight = (async () => {
    let upTo = 0;
    for (const span of spans) upTo = Math.max(upTo, await ingestHere(readSpans([span]), stats));
    return upTo;
  })());
  const ingest = new TrackIngest(sink, (upTo) => trackLog.release(upTo), INGEST_MS, 1024 * 1024, MAX_BACKLOG);
  stopIngest = () => ingest.stop();
  if (halted) ingest.stop();
  const flushed = () => ingest.flush().catch(() => {});

  let closed = false;
  const timers = ([[CHECKPOINT_MS, () => upkeep.checkpoint()], [PRUNE_MS, () => upkeep.prune(opts.retention())]] as const).map(([ms, task]) => {
    const timer = setInterval(() => void (closed ? undefined : task().catch(() => {})), ms); // PostgreSQL away: next time
    (timer as { unref?: () => void }).unref?.();
    return timer;
  });

  return {
    appendTracks(rows) {
      if (rows.length === 0) return Promise.resolve();
      if (closed) return Promise.reject(new StoreError('read_only', 'the trail is closed'));
      if (halted) return Promise.reject(new StoreError('unavailable', `the trail of node ${node} is stopped: ${halted}`));
      if (ingest.overloaded) return Promise.reject(new Error('the cluster store keeps refusing tracks'));
      try {
        const from = trackLog.lastSeq + 1;
        trackLog.append(rows);
        ingest.add(trackLog.lastSpan, sumTracks(rows, from, trackLog.lastSeq));
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    async tracks({ after = 0, limit }) {
      await flushed(); // what is logged but not yet in PostgreSQL
      const rows = await sql<{ line: string; hash: string }[]>`
        select line, hash from tracks where node = ${node} and seq > ${after} order by seq limit ${limit}`;
      return rows.flatMap((r) => decodeLine(r.line, r.hash) ?? []);
    },
    async trail() {
      await flushed();
      return openPgTrailReader(sql, node);
    },
    async checkpoint() {
      await flushed();
      return upkeep.checkpoint();
    },
    async prune() {
      await flushed();
      return upkeep.prune(opts.retention());
    },
    halt,
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      ingest.stop();
      trackLog.close();
      try {
        await inFlight?.catch(() => {}); // the batch under way first: two ingests at once would race for the same seqs
        if (halted) return;
        await ingestSegments();
        await upkeep.checkpoint(); // a clean stop leaves every track under a signed checkpoint
      } catch (err) {
        log('warn', 'tracks left in the track log (PostgreSQL unreachable); they go in when this node starts again', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    },
  };
}

function readOnlyTrail(sql: Sql, node: string): PgTrail {
  const refuse = () => Promise.reject(new StoreError('read_only', 'the store was opened read-only'));
  return {
    appendTracks: refuse,
    async tracks({ after = 0, limit }) {
      const rows = await sql<{ line: string; hash: string }[]>`
        select line, hash from tracks where node = ${node} and seq > ${after} order by seq limit ${limit}`;
      return rows.flatMap((r) => decodeLine(r.line, r.hash) ?? []);
    },
    trail: () => openPgTrailReader(sql, node || undefined),
    checkpoint: refuse,
    prune: refuse,
    halt: () => {},
    close: async () => {},
  };
}
