import type { EntityOf, Kind } from '../model/index.ts';

export interface Stored<K extends Kind = Kind> {
  kind: K;
  id: string;
  version: number;
  updatedAt: string;
  body: EntityOf<K>;
}

/** One audit-trail entry, before the store adds its sequence number and hash chain. */
export interface TrackInput {
  at: string;
  /** The call's request id (X-Request-Id): the correlation id a caller and the logs share. */
  requestId: string;
  interface: string;
  agency: string;
  service: string;
  operation: string;
  subscription?: string;
  consumer?: string;
  /** Which credential was presented: the first characters of its keyed hash, never the key. */
  credential?: string;
  remote: string;
  userAgent: string;
  format: string;
  status: number;
  code: number;
  durationMs: number;
  /** Time spent in the operation's data source or backend. */
  backendMs?: number;
  /** Bytes of the answer sent. */
  bytes?: number;
  rows?: number;
  /** Where a proxy answer came from when not the backend: `cache` or `fallback`. */
  cache?: string;
  /** The subscription's purpose and legal basis at the time of the call. */
  purpose?: string;
  legalBasis?: string;
  /**
   * Parameter names with what the trail keeps of each value: `k:` + its keyed hash (the default), `v:` + the value
   * (an operation keeps it readable), `-` (dropped: the name only). A string lists names only, comma-separated.
   */
  params?: Record<string, string> | string;
  note?: string;
  /** SHA-256 (base64url) of the answer's signature (X-JWS-Signature), when the operation signs its answers. */
  signature?: string;
  /** SHA-256 (base64url) of the answer's bytes, when signed or kept. */
  answerDigest?: string;
  /** The answer itself, encrypted with the master key, when the operation keeps its answers. */
  answer?: string;
}

/** A track as stored: its place in the chain, its hash, and the line format it was written in. */
export interface TrackRecord extends Omit<TrackInput, 'params'> {
  params?: Record<string, string>;
  seq: number;
  hash: string;
  v: 1 | 2;
}

export interface Session {
  tokenHash: string;
  username: string;
  csrf: string;
  expiresAt: number;
}

/**
 * The configuration and evidence store. Async so that a PostgreSQL store can stand in for clusters.
 * Every body is validated with its zod schema on write and on read.
 */
export type { WriterThread } from './writer-thread.ts';
import type { WriterThread } from './writer-thread.ts';
import type { Checkpoint, PruneResult, TrailReader } from './trail-types.ts';

export interface Store {
  readonly path: string;
  get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined>;
  list<K extends Kind>(kind: K): Promise<Stored<K>[]>;
  /** Create (expectedVersion 0) or update (expectedVersion = the current version). */
  put<K extends Kind>(kind: K, body: EntityOf<K>, expectedVersion?: number): Promise<Stored<K>>;
  remove(kind: Kind, id: string, expectedVersion?: number): Promise<void>;
  /** Several writes, all or nothing. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Increases on every config change: caches compare it to know when to rebuild. */
  revision(): number;
  onChange(fn: (kind: Kind, id: string) => void): () => void;
  appendTracks(rows: TrackInput[]): Promise<void>;
  tracks(opts: { after?: number; limit: number }): Promise<TrackRecord[]>;
  /** A read-only view of the trail on a connection of its own (close it), once every logged track is in it. */
  trail(): Promise<TrailReader>;
  /** Signs a checkpoint at the last track now, if there are tracks since the last one (else resolves undefined). */
  checkpoint(): Promise<Checkpoint | undefined>;
  /** Applies the retention settings now (the writer does it every hour). */
  prune(): Promise<PruneResult>;
  sessions: {
    get(tokenHash: string): Promise<Session | undefined>;
    put(s: Session): Promise<void>;
    remove(tokenHash: string): Promise<void>;
    /** Ends every session of a user except `keep` (a token hash): a changed password ends the others. */
    removeUser(username: string, keep?: string): Promise<void>;
  };
  /** Moves track writes and upkeep (SQLite: WAL checkpoints) to a thread of its own until stopped or closed. */
  startWriter?(): WriterThread;
  /** Cluster store only: how many nodes have a fresh heartbeat (at least 1, this one). */
  liveNodes?(): number;
  /** Cluster store only: false while the shared store is unreachable (reads then come from this node's copy). */
  health?(): { ok: boolean; detail?: string };
  /** Cluster store only: this node's stable id (DATA/node-id, or --node / MANTRA_NODE). */
  readonly node?: string;
  /** The cluster store resolves once its connections are closed; the embedded one closes at once. */
  close(): void | Promise<void>;
}

export class StoreError extends Error {
  constructor(
    public readonly reason: 'conflict' | 'version' | 'not_found' | 'invalid' | 'open' | 'read_only' | 'unavailable',
    message: string,
    public readonly detail?: unknown,
  ) {
    super(message);
  }
}
