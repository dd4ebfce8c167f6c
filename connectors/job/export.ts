import type { Signal } from '../cancel.ts';
import type { DriverPool } from '../driver.ts';
import type { Envelope, FormatName } from '../../src/formats/types.ts';
import type { Plan } from '../types.ts';
import type { JobOutput, QueryJob } from './types.ts';

/** The formats a database's bulk path can write exactly as Mantra's encoders do (src/formats/csv.ts, ndjson.ts). */
export type ExportFormat = Extract<FormatName, 'csv' | 'ndjson'>;

/**
 * Pages of more rows than this are large reads: a driver streams them with backpressure (a cursor) instead of
 * reading them in one go, so that many of them at once hold memory by what their callers have taken, not by
 * their size. Reads without a page are large when their row cap is.
 */
export const LARGE_PAGE = 1000;

/** What the job tells a driver's read besides QueryOptions. */
export interface ReadHint {
  /** The read has a page of more than LARGE_PAGE rows. */
  large?: boolean;
}

export interface ExportOptions extends ReadHint {
  format: ExportFormat;
  envelope: Extract<Envelope, 'mantra' | 'v1'>;
  /** Aborted when the consumer goes away or the job gives up; the driver stops the bulk read in the database. */
  signal: Signal;
  /** Bounds each wait on the database; time spent in `onChunk` (a slow consumer) does not count. */
  timeoutMs: number;
  /** At most this many rows are delivered; `more` tells whether the result had another. */
  maxRows: number;
  /** Receives encoded whole rows in order, about 64 KiB at a time; the driver waits for the promise (backpressure). */
  onChunk(bytes: Uint8Array): void | Promise<void>;
}

export interface ExportResult {
  rows: number;
  /** The result had more than `maxRows` rows. */
  more: boolean;
  /** The bytes after the last chunk: they travel with the job's `end`. */
  tail: Uint8Array;
}

/**
 * What a driver offers when its database has a bulk path (PostgreSQL: COPY ... TO STDOUT). `export` decides before
 * it sends anything: undefined when it cannot write these rows byte for byte as the encoders would (a column type
 * it cannot render the same way); the job then reads rows as usual.
 */
export interface BulkExport {
  export(plan: Plan, opts: ExportOptions): Promise<ExportResult | undefined>;
}

export const canExport = (pool: DriverPool): pool is DriverPool & BulkExport => typeof (pool as Partial<BulkExport>).export === 'function';

/**
 * The job's output when the bulk path may take it: CSV or NDJSON of a read with no row shape (shaping, field
 * rules and JSONata need the rows themselves). Undefined otherwise.
 */
export function exportSpec(job: Pick<QueryJob, 'plan' | 'shape' | 'output'>): Pick<ExportOptions, 'format' | 'envelope'> | undefined {
  const out: JobOutput = job.output;
  if (out.mode !== 'encode' || out.columns || job.shape || job.plan.type !== 'sql' || job.plan.write) return undefined;
  if (out.format !== 'csv' && out.format !== 'ndjson') return undefined;
  if (out.envelope !== 'v1' && out.envelope !== 'mantra') return undefined;
  return { format: out.format, envelope: out.envelope };
}
