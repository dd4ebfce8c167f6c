import type { ConnectorPool as Pool, JobEvent } from '../../../connectors/pool.ts';
import type { ResultMeta, Row } from '../../formats/types.ts';
import { log } from '../../observability/log.ts';
import { GatewayError, type GatewayErrorKey } from '../errors.ts';
import type { CallContext } from '../types.ts';
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

export function toGatewayError(ctx: CallContext, error: { kind: string; message: string; detail?: unknown }): GatewayError {
  // A cancelled job is a caller that left: normal, not worth a warning.
  log(error.kind === 'cancelled' ? 'debug' : 'warn', 'connector error', { requestId: ctx.req.requestId, operation: ctx.op?.id, kind: error.kind, detail: error.message });
  return new GatewayError(poolErrors[error.kind] ?? 'internal', { limit: ctx.op?.data?.rowCap ?? 0 });
}

/** Data operations stream encoded bytes from the pool; the first events are read here to decide the answer. */
export function invokeData(pool: Pool) {
  return async function invokeData(ctx: CallContext): Promise<void> {
    const { op, req } = ctx;
    const compiled = op!;
    const data = compiled.data!;

    const limit = req.page?.limit !== undefined ? Math.min(req.page.limit, data.limit ?? Infinity) : undefined;
    const offset = req.page?.offset;
    const plan = data.plan(ctx.values!, limit !== undefined || offset !== undefined ? { limit, offset } : undefined);
    const shape = withFieldRules(compiled.shape, ctx.subscription);
    const pageLimit = limit ?? data.limit;
    const meta = req.envelope === 'v1' ? { limit: pageLimit, offset: offset ?? 0 } : undefined;
    // Writes answer affected rows; a JSONata expression needs the rows whole.
    const rowsMode = (plan.type === 'sql' && plan.write) || compiled.jsonata !== undefined;
    const job = {
      connector: data.connector,
      plan,
      timeoutMs: data.timeoutMs,
      rowCap: data.rowCap,
      truncate: data.truncate,
      shape,
      output: rowsMode
        ? { mode: 'rows' as const }
        : {
            mode: 'encode' as const,
            format: req.format,
            envelope: req.envelope,
            name: compiled.op.slug,
            meta,
            pageLimit,
            nextCursor: meta && pageLimit ? encodeCursor((offset ?? 0) + pageLimit) : undefined,
          },
    };
    const reading = pool.read(job);
    // Cancelling the job, should the caller go away before the answer starts.
    const stopWatching = whenCallerGone(() => req.signal, reading.cancel);
    try {
      const first = await reading.done;
      if (rowsMode) await collectRows(ctx, first, data.rowCap);
      else if (Array.isArray(first)) decide(ctx, first, meta);
      else await readAhead(ctx, first, meta);
    } finally {
      stopWatching();
    }
  };
}

/** Bytes of a chunk; a text chunk's UTF-16 length is close enough for the read-ahead budget. */
const chunkSize = (data: Uint8Array | string) => (typeof data === 'string' ? data.length : data.byteLength);

/** Reads the first events, up to READ_AHEAD bytes, to decide the answer. */
async function readAhead(ctx: CallContext, events: AsyncIterator<JobEvent>, meta: Partial<ResultMeta> | undefined) {
  const buffered: JobEvent[] = [];
  let bytes = 0;
  while (bytes < READ_AHEAD) {
    const step = await events.next();
    if (step.done) throw new GatewayError('client_gone'); // the iteration was ended: the caller went away
    buffered.push(step.value);
    if (step.value.type === 'end' || step.value.type === 'error') break;
    if (step.value.type === 'chunk') bytes += chunkSize(step.value.data);
  }
  decide(ctx, buffered, meta, events);
}

/**
 * The answer from the events read so far: an error, an empty result, or bytes — complete when the last event is
 * `end`, else followed by the rest of the stream.
 */
function decide(ctx: CallContext, events: JobEvent[], meta: Partial<ResultMeta> | undefined, rest?: AsyncIterator<JobEvent>) {
  const { req } = ctx;
  const last = events[events.length - 1];
  if (last?.type === 'error') throw toGatewayError(ctx, last.error);
  const end = last?.type === 'end' ? last : undefined;
  if (end && end.rowCount === 0) {
    if (req.envelope === 'mantra') {
      throw new GatewayError('empty_result', { agency: req.agency, service: req.service, operation: req.operation });
    }
    ctx.rows = 0;
    ctx.result = { kind: 'value', data: undefined, rows: [], meta: { ...meta, rowCount: 0 } };
    return;
  }
  if (end) ctx.rows = end.rowCount;
  ctx.result = { kind: 'stream', buffered: events.filter((ev) => ev.type === 'chunk'), complete: end !== undefined, rest: rest! };
}

/** Reads a result whole (bounded by the row cap): writes' affected rows, or rows for a JSONata expression. */
async function collectRows(ctx: CallContext, source: JobEvent[] | AsyncIterator<JobEvent>, rowCap: number): Promise<void> {
  const rows: Row[] = [];
  let end: Extract<JobEvent, { type: 'end' }> | undefined;
  /** Takes one event; true once the result is complete. */
  const take = (ev: JobEvent): boolean => {
    if (ev.type === 'error') throw toGatewayError(ctx, ev.error);
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
    ctx.rows = end.affectedRows;
    ctx.result = { kind: 'value', data: undefined, rows: [{ affected_rows: end.affectedRows }] };
    return;
  }
  const { req } = ctx;
  if (rows.length === 0 && req.envelope === 'mantra') {
    throw new GatewayError('empty_result', { agency: req.agency, service: req.service, operation: req.operation });
  }
  ctx.rows = rows.length;
  ctx.result = { kind: 'value', data: undefined, rows };
}
