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
  requestId: string;
  interface: string;
  agency: string;
  service: string;
  operation: string;
  subscription?: string;
  consumer?: string;
  remote: string;
  userAgent: string;
  format: string;
  status: number;
  code: number;
  durationMs: number;
  rows?: number;
  params?: string;
  note?: string;
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
  tracks(opts: { after?: number; limit: number }): Promise<(TrackInput & { seq: number; hash: string })[]>;
  sessions: {
    get(tokenHash: string): Promise<Session | undefined>;
    put(s: Session): Promise<void>;
    remove(tokenHash: string): Promise<void>;
    /** Ends every session of a user except `keep` (a token hash): a changed password ends the others. */
    removeUser(username: string, keep?: string): Promise<void>;
  };
  /** Moves track writes and upkeep (SQLite: WAL checkpoints) to a thread of its own until stopped or closed. */
  startWriter?(): WriterThread;
  close(): void;
}

export class StoreError extends Error {
  constructor(
    public readonly reason: 'conflict' | 'version' | 'not_found' | 'invalid' | 'open',
    message: string,
    public readonly detail?: unknown,
  ) {
    super(message);
  }
}
