import type { ConnectorPool as Pool, JobEvent } from '../../../connectors/pool.ts';
import type { ConnectorRef, Plan, RowShape } from '../../../connectors/types.ts';
import type { ResultMeta, Row } from '../../formats/types.ts';
import { log } from '../../observability/log.ts';
import { GatewayError, type GatewayErrorKey } from '../errors.ts';
import type { InvokeResult, Invoker, ParamValues } from '../operation.ts';
import { encodeCursor } from '../cursor.ts';
import { whenCallerGone } from '../caller-gone.ts';
import { withFieldRules } from '../field-rules.ts';

/** Bytes read ahead before the answer starts: small answers go out whole, with a Content-Length. */
const READ_AHEAD = 64 * 1024;

const poolErrors: Record<string, GatewayErrorKey> = {
  timeout: 'timeout',
  unavailable: 'unavailable',
  rowcap: 'row_cap',
  // A job is cancelled only when its call was given up: the caller went away.
  cancelled: 'client_gone',
  query: 'query_failed',
  config: 'query_failed',
};

/** A data operation as compiled from its configuration. */
export interface DataPlan {
  id: string;
  /** Its name: the key of its rows in MANTRA's envelope. */
  slug: string;
  connector: ConnectorRef;
  plan: (values: ParamValues, page?: { limit?: number; offset?: number }) => Plan;
  timeoutMs: number;
  rowCap: number;
  truncate: boolean;
  limit?: number;
  shape?: RowShape;
  /** Results are read whole: a write (affected rows), or rows a JSONata expression needs. */
  whole: boolean;
}

/** Data operations stream encoded bytes from the pool; the first events are read here to decide the answer. */
export function dataInvoker(data: DataPlan, pool: Pool): Invoker {
  const failed = (requestId: string, error: { kind: string; message: string }) => {
    // A cancelled job is a caller that left: normal, not worth a warning.
    log(error.kind === 'cancelled' ? 'debug' : 'warn', 'connector error', { requestId, operation: data.id, kind: error.kind, detail: error.message });
    return new GatewayError(poolErrors[error.kind] ?? 'internal', { limit: data.rowCap });
  };

  return async function invokeData(values, { signal, deadline, output, requestId }) {
    const { page } = output;
    const whole = data.whole || output.mode === 'rows';
    const limit = page?.limit !== undefined ? Math.min(page.limit, data.limit ?? Infinity) : undefined;
    const offset = page?.offset;
    const plan = data.plan(values, limit !== undefined || offset !== undefined ? { limit, offset } : undefined);
    const pageLimit = limit ?? data.limit;
    const meta = output.envelope === 'v1' ? { limit: pageLimit, offset: offset ?? 0 } : undefined;
    const timeoutMs = deadline === undefined ? data.timeoutMs : Math.max(1, Math.min(data.timeoutMs, deadline - Date.now()));
    const job = {
      connector: data.connector,
      plan,
      timeoutMs,
      rowCap: data.rowCap,
      truncate: data.truncate,
      limit: pageLimit,
      shape: withFieldRules(data.shape, output.subscription),
      output: whole
        ? { mode: 'rows' as const }
        : {
            mode: 'encode' as const,
            format: output.format,
            envelope: output.envelope,
            name: data.slug,
            meta,
            pageLimit,
            nextCursor: meta && pageLimit ? encodeCursor((offset ?? 0) + pageLimit) : undefined,
          },
    };
    const reading = pool.read(job);
    // Cancelling the job, should the caller go away before the answer starts.
    const stopWatching = whenCallerGone(signal, reading.cancel);
    const fail = (error: { kind: string; message: string }) => failed(requestId, error);
    try {
      const first = await reading.done;
      if (whole) return await collectRows(first, data.rowCap, fail);
      if (Array.isArray(first)) return decide(first, meta, fail);
      return await readAhead(first, meta, fail);
    } finally {
      stopWatching();
    }
  };
}

type Fail = (error: { kind: string; message: string }) => GatewayError;

/** Bytes of a chunk; a text chunk's UTF-16 length is close enough for the read-ahead budget. */
const chunkSize = (data: Uint8Array | string) => (typeof data === 'string' ? data.length : data.byteLength);

/** Reads the first events, up to READ_AHEAD bytes, to decide the answer. */
async function readAhead(events: AsyncIterator<JobEvent>, meta: Partial<ResultMeta> | undefined, fail: Fail): Promise<InvokeResult> {
  const buffered: JobEvent[] = [];
  let bytes = 0;
  while (bytes < READ_AHEAD) {
    const step = await events.next();
    if (step.done) throw new GatewayError('client_gone'); // the iteration was ended: the caller went away
    buffered.push(step.value);
    if (step.value.type === 'end' || step.value.type === 'error') break;
    if (step.value.type === 'chunk') bytes += chunkSize(step.value.data);
  }
  return decide(buffered, meta, fail, events);
}

/**
 * The answer from the events read so far: an error, an empty result, or bytes — complete when the last event is
 * `end`, else followed by the rest of the stream. Whether an empty result is an error is the interface's to say.
 */
function decide(events: JobEvent[], meta: Partial<ResultMeta> | undefined, fail: Fail, rest?: AsyncIterator<JobEvent>): InvokeResult {
  const last = events[events.length - 1];
  if (last?.type === 'error') throw fail(last.error);
  const end = last?.type === 'end' ? last : undefined;
  if (end && end.rowCount === 0) return { kind: 'value', data: undefined, rows: [], rowCount: 0, meta: { ...meta, rowCount: 0 } };
  return {
    kind: 'stream',
    buffered: events.filter((ev) => ev.type === 'chunk'),
    complete: end !== undefined,
    rest: rest!,
    rowCount: end?.rowCount,
  };
}

/** Reads a result whole (bounded by the row cap): writes' affected rows, or rows for a JSONata expression. */
async function collectRows(source: JobEvent[] | AsyncIterator<JobEvent>, rowCap: number, fail: Fail): Promise<InvokeResult> {
  const rows: Row[] = [];
  let end: Extract<JobEvent, { type: 'end' }> | undefined;
  /** Takes one event; true once the result is complete. */
  const take = (ev: JobEvent): boolean => {
    if (ev.type === 'error') throw fail(ev.error);
    if (ev.type === 'rows') rows.push(...ev.rows.slice(0, rowCap - rows.length));
    if (ev.type === 'end') end = ev;
    return end !== undefined;
  };
  if (Array.isArray(source)) source.some(take);
  else {
    for (;;) {
      const step = await source.next();
      if (step.done || take(step.value)) break;
    }
  }
  if (end?.affectedRows !== undefined) {
    return { kind: 'value', data: undefined, rows: [{ affected_rows: end.affectedRows }], rowCount: end.affectedRows };
  }
  return { kind: 'value', data: undefined, rows, rowCount: rows.length };
}
