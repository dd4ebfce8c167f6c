import type { Signal } from '../cancel.ts';
import { asConnectorError, ConnectorError, messages } from '../errors.ts';
import type { Row } from '../types.ts';
import type { DriverHost } from './host.ts';
import { EncodeOutput, type JobSink, type Output, RowsOutput } from './output.ts';
import { compileShape } from './shape.ts';
import type { WireJob } from './types.ts';

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
    const out: Output = job.output.mode === 'encode'
      ? EncodeOutput.createNow(job.output, sink) ?? await EncodeOutput.create(job.output, sink)
      : new RowsOutput(sink, batchSize);
    const shape = compileShape(job.shape);
    const cap = job.rowCap;
    let count = 0;
    let over = false;
    await pool.query(plan, {
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
    });
    if (signal.aborted) throw new ConnectorError('cancelled', messages.cancelled);
    if (over && !job.truncate) throw new ConnectorError('rowcap', messages.rowcap);
    await out.end(count, over);
  } catch (err) {
    sink.send([{ type: 'error', error: asConnectorError(err).toJSON() }]);
  }
}
