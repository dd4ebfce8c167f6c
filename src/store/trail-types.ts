import type { StatsQuery, StatsRow } from './stats-table.ts';

/**
 * A signed statement that the trail held `seq` entries ending in `hash` at `at`. `periodic` ones are made every few
 * seconds while tracks come; a `cut` one marks where retention removed the entries up to `seq`.
 */
export interface Checkpoint {
  seq: number;
  kind: 'periodic' | 'cut';
  at: string;
  hash: string;
  /** Which Ed25519 key signed it (SHA-256 of the public key, base64url, 16 characters). */
  keyId: string;
  /** Ed25519 over checkpointMessage(), base64url. */
  signature: string;
}

export interface PruneResult {
  /** The seq up to which entries were removed, if any were. */
  cut?: number;
  removed: number;
}

/** A stored entry: the line the chain covers and its hash. */
export interface TrailRow {
  seq: number;
  line: string;
  hash: string;
}

/** One node's chain in a cluster trail, with the public keys (PEM) that node published for its checkpoints. */
export interface TrailChain {
  node: string;
  keys: { keyId: string; publicKey: string }[];
}

/**
 * A read-only snapshot of the trail (one read transaction) on its own connection; close it when done. Async, so
 * that a shared store (PostgreSQL) reads it over the network; a large trail is read in pages, never whole.
 */
export interface TrailReader {
  /** Entries with seq > after in seq order, at most `limit`. */
  rows(after: number, limit: number): Promise<TrailRow[]>;
  row(seq: number): Promise<TrailRow | undefined>;
  /** Entries in (after, upTo] whose line contains `text`. */
  find(text: string, after: number, upTo: number): Promise<TrailRow[]>;
  /** The lowest and highest seq stored. */
  bounds(): Promise<{ first?: number; last?: number }>;
  checkpoints(): Promise<Checkpoint[]>;
  lastCheckpoint(): Promise<Checkpoint | undefined>;
  /** Every node's statistics. */
  stats(q: StatsQuery): Promise<StatsRow[]>;
  /**
   * A cluster trail: one chain per node (absent in the embedded store, whose trail is one chain). The methods
   * above then read the chain of the node that opened the reader.
   */
  chains?(): Promise<TrailChain[]>;
  /** One node's chain, in the same snapshot; close() belongs to the reader it came from. */
  chain?(node: string): TrailReader;
  close(): Promise<void>;
}
