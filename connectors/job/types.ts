import type { Envelope, FormatName, ResultMeta } from '../../src/formats/types.ts';
import type { JobError } from '../errors.ts';
import type { ConnectorRef, Plan, Row, RowShape } from '../types.ts';
import type { ColumnInfo, TableInfo } from '../driver.ts';

/** What the job hands back: rows as data, or bytes already encoded in a format (shaped per row first). */
export type JobOutput =
  | { mode: 'rows' }
  | {
    mode: 'encode';
    format: FormatName;
    envelope: Envelope;
    /** Operation slug: the key or element name of each row. */
    name: string;
    columns?: string[];
    /** Goes to the encoder's tail() with rowCount and truncated filled in. */
    meta?: Partial<ResultMeta>;
    /** With `nextCursor`: the cursor is added to meta only when the page came back full. */
    pageLimit?: number;
    nextCursor?: string;
  };

export interface QueryJob {
  connector: ConnectorRef;
  plan: Plan;
  timeoutMs: number;
  /** Reading stops at this many rows: with `truncate` the result ends there, else the job fails with 'rowcap'. */
  rowCap: number;
  truncate: boolean;
  /** The page the statement itself limits the read to (the operation's limit or the caller's), when known. */
  limit?: number;
  shape?: RowShape;
  output: JobOutput;
}

export type JobEvent =
  /** Encoded output: bytes, or text for a job's last chunk (left to the Response or the stream to encode). */
  | { type: 'chunk'; data: Uint8Array | string }
  | { type: 'rows'; rows: Row[] }
  | { type: 'end'; rowCount: number; truncated: boolean; affectedRows?: number }
  | { type: 'error'; error: JobError };

export type AdminCall = { op: 'test' } | { op: 'tables' } | { op: 'columns'; table: string };

/** A connector as sent to a thread: the configuration is left out once that thread has this version. */
export type WireRef = Pick<ConnectorRef, 'id' | 'version'> & Partial<Pick<ConnectorRef, 'config' | 'files'>>;
export type WireJob = Omit<QueryJob, 'connector'> & { connector: WireRef };

/** Messages to a worker. */
export type ToWorker =
  | { t: 'init'; threads: number; batchSize: number; window: number }
  | { t: 'run'; id: number; job: WireJob }
  | { t: 'ack'; id: number; n: number }
  | { t: 'cancel'; id: number }
  | { t: 'call'; id: number; connector: WireRef; call: AdminCall }
  | { t: 'close' }
  /** Test hook: the worker throws outside any handler, as a real crash would. */
  | { t: 'crash' };

/** Messages from a worker. */
export type FromWorker =
  | { t: 'events'; id: number; events: JobEvent[] }
  | { t: 'result'; id: number; value?: unknown; error?: JobError }
  | { t: 'closed' };

/** Data events (chunk, rows) outstanding before the producer waits for acknowledgements. */
export const DEFAULT_WINDOW = 4;
export const DEFAULT_BATCH = 500;

/** A job's answer: its events whole when they came in one message, else the stream; `cancel` stops it either way. */
export interface JobReading {
  done: Promise<JobEvent[] | AsyncIterator<JobEvent>>;
  cancel(): void;
}

export interface ConnectorPool {
  readonly size: number;
  /**
   * Runs a job. Iterating takes its events in order (the last is `end` or `error`); leaving the loop early or
   * aborting `signal` cancels the statement, and a pending `next()` then rejects with the signal's reason.
   */
  run(job: QueryJob, signal?: AbortSignal): AsyncIterable<JobEvent> & AsyncIterator<JobEvent>;
  /**
   * Runs a job like run(), but answers with its events whole when the job sent them in one message (a small
   * result: the chunk and `end` travel together), sparing the stream; a larger result comes as the stream.
   * `cancel` stops the job, whichever way it answered.
   */
  read(job: QueryJob): JobReading;
  /** Connects and runs a trivial query; rejects with a ConnectorError. */
  test(connector: ConnectorRef): Promise<void>;
  tables(connector: ConnectorRef): Promise<TableInfo[]>;
  columns(connector: ConnectorRef, table: string): Promise<ColumnInfo[]>;
  /** Jobs and calls in flight per worker thread (inline: one entry for this thread). */
  stats(): { active: number[] };
  /** Ends every job and closes every database connection and worker. */
  close(): Promise<void>;
}
