import type { Signal } from '../cancel.ts';
import { asConnectorError, ConnectorError, messages } from '../errors.ts';
import type { Row } from '../types.ts';
import type { DriverPool, QueryOptions } from '../driver.ts';
import { type BulkExport, canExport, type ExportOptions, exportSpec, LARGE_PAGE, type ReadHint } from './export.ts';
import type { DriverHost } from './host.ts';
import { tidy } from './tidy.ts';
import { EncodeOutput, type JobSink, type Output, RowsOutput } from './output.ts';
import { compileShape } from './shape.ts';
import type { JobEvent, WireJob } from './types.ts';

/**
 * Runs one job to its end, on a worker or inline: exactly one terminal event (`end` or `error`) is sent last.
 * Aborting `signal` cancels the statement.
 */
export async function runJob(job: WireJob, host: DriverHost, sink: JobSink, signal: Signal, batchSize: number) {
  try {
    const pool = host.openPool(job.connector) ?? await host.pool(job.connector);
    const plan = job.plan;
    if (plan.type === 'sql' && plan.write) {
      const affectedRows = await pool.execute(plan, { signal, timeoutMs: job.timeoutMs });
      sink.send([{ type: 'end', rowCount: 0, truncated: false, affectedRows }]);
      return;
    }
    const large = job.limit !== undefined && job.limit > LARGE_PAGE;
    const spec = exportSpec(job);
    if (spec && canExport(pool) && await exported(job, pool, spec, sink, signal, large)) return;
    const out: Output = job.output.mode === 'encode'
      ? EncodeOutput.createNow(job.output, sink) ?? await EncodeOutput.create(job.output, sink)
      : new RowsOutput(sink, batchSize);
    const shape = compileShape(job.shape);
    const cap = job.rowCap;
    let count = 0;
    let over = false;
    const read: QueryOptions & ReadHint = {
      large,
      signal,
      timeoutMs: job.timeoutMs,
      batchSize,
      // One row past the cap tells "more than allowed" from "exactly the cap".
      maxRows: cap + 1,
      onBatch(rows: Row[]) {
        if (count + rows.length > cap) {
          over = true;
          rows = rows.slice(0, cap - count);
        }
        count += rows.length;
        if (rows.length === 0) return;
        return out.rows(shape ? rows.map(shape) : rows);
      },
    };
    await pool.query(plan, read);
    if (signal.aborted) throw new ConnectorError('cancelled', messages.cancelled);
    if (over && !job.truncate) throw new ConnectorError('rowcap', messages.rowcap);
    await out.end(count, over);
  } catch (err) {
    sink.send([{ type: 'error', error: asConnectorError(err).toJSON() }]);
  }
}

/**
 * CSV and NDJSON without a row shape straight from the database's bulk path, when its driver has one and takes
 * these rows (connectors/job/export.ts); false when the job reads rows as usual. The same row-cap rules hold.
 */
async function exported(
  job: WireJob, pool: DriverPool & BulkExport, spec: Pick<ExportOptions, 'format' | 'envelope'>, sink: JobSink, signal: Signal, large: boolean,
): Promise<boolean> {
  const opts: ExportOptions = {
    ...spec,
    large,
    signal,
    timeoutMs: job.timeoutMs,
    maxRows: job.rowCap,
    onChunk(bytes) {
      tidy.sent(bytes.byteLength);
      sink.send([{ type: 'chunk', data: bytes }]);
      return sink.credit();
    },
  };
  const r = await pool.export(job.plan, opts);
  if (!r) return false;
  if (signal.aborted) throw new ConnectorError('cancelled', messages.cancelled);
  if (r.more && !job.truncate) throw new ConnectorError('rowcap', messages.rowcap);
  const end: JobEvent = { type: 'end', rowCount: r.rows, truncated: r.more };
  sink.send(r.tail.byteLength ? [{ type: 'chunk', data: r.tail }, end] : [end]);
  return true;
}
