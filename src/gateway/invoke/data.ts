import type { ConnectorPool as Pool, JobEvent } from '../../../connectors/pool.ts';
import type { ResultMeta, Row } from '../../formats/types.ts';
import { log } from '../../observability/log.ts';
import { GatewayError, type GatewayErrorKey } from '../errors.ts';
import type { CallContext } from '../types.ts';
import { encodeCursor } from '../cursor.ts';
import { whenCallerGone } from '../caller-gone.ts';

/** Bytes read ahead before the answer starts: small answers go out whole, with a Content-Length. */
const READ_AHEAD = 64 * 1024;

const poolErrors: Record<string, GatewayErrorKey> = {
  timeout: 'timeout',
  unavailable: 'unavailable',
  rowcap: 'row_cap',
  query: 'query_failed',
  config: 'query_failed',
};

export function toGatewayError(ctx: CallContext, error: { kind: string; message: string; detail?: unknown }): GatewayError {
  log('warn', 'connector error', { requestId: ctx.req.requestId, operation: ctx.op?.id, kind: error.kind, detail: error.message });
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
    const sub = ctx.subscription;
    const shape = sub && (sub.hideFields.length || sub.maskFields.length)
      ? { ...data.shape, hide: sub.hideFields, mask: sub.maskFields }
      : data.shape;
    const pageLimit = limit ?? data.limit;
    const meta = req.envelope === 'v1' ? { limit: pageLimit, offset: offset ?? 0 } : undefined;
    // Writes answer affected rows; a JSONata expression needs the rows whole.
    const rowsMode = (plan.type === 'sql' && plan.write) || compiled.jsonata !== undefined;
    const events = pool.run(
      {
        connector: data.connector,
        plan,
        timeoutMs: data.timeoutMs,
        rowCap: data.rowCap,
        truncate: data.truncate,
        shape,
        output: rowsMode
          ? { mode: 'rows' }
          : {
              mode: 'encode',
              format: req.format,
              envelope: req.envelope,
              name: compiled.op.slug,
              meta,
              pageLimit,
              nextCursor: meta && pageLimit ? encodeCursor((offset ?? 0) + pageLimit) : undefined,
            },
      },
    )[Symbol.asyncIterator]();
    // Leaving the iteration cancels the job, should the caller go away before the answer starts.
    const stopWatching = whenCallerGone(() => req.signal, () => void events.return?.());
    try {
      await readAhead(ctx, events, rowsMode, meta);
    } finally {
      stopWatching();
    }
  };
}

/** Reads the first events, up to READ_AHEAD bytes, to decide the answer: an error, an empty result, or bytes. */
async function readAhead(ctx: CallContext, events: AsyncIterator<JobEvent>, rowsMode: boolean, meta: Partial<ResultMeta> | undefined) {
  const { req } = ctx;
  if (rowsMode) return collectRows(ctx, events, ctx.op!.data!.rowCap);
  const buffered: JobEvent[] = [];
  let bytes = 0;
  let end: Extract<JobEvent, { type: 'end' }> | undefined;
  while (bytes < READ_AHEAD) {
    const step = await events.next();
    if (step.done) throw new GatewayError('client_gone'); // the iteration was ended: the caller went away
    const ev = step.value;
    if (ev.type === 'error') throw toGatewayError(ctx, ev.error);
    if (ev.type === 'end') {
      end = ev;
      break;
    }
    if (ev.type === 'chunk') bytes += ev.bytes.byteLength;
    buffered.push(ev);
  }

  if (end && end.rowCount === 0) {
    if (req.envelope === 'mantra') {
      throw new GatewayError('empty_result', { agency: req.agency, service: req.service, operation: req.operation });
    }
    ctx.rows = 0;
    ctx.result = { kind: 'value', data: undefined, rows: [], meta: { ...meta, rowCount: 0 } };
  } else {
    if (end) ctx.rows = end.rowCount;
    ctx.result = { kind: 'stream', buffered, complete: end !== undefined, rest: events };
  }
}

/** Reads a result whole (bounded by the row cap): writes' affected rows, or rows for a JSONata expression. */
async function collectRows(ctx: CallContext, events: AsyncIterator<JobEvent>, rowCap: number): Promise<void> {
  const rows: Row[] = [];
  for (;;) {
    const step = await events.next();
    if (step.done) break;
    const ev = step.value;
    if (ev.type === 'error') throw toGatewayError(ctx, ev.error);
    if (ev.type === 'rows') rows.push(...ev.rows.slice(0, rowCap - rows.length));
    if (ev.type === 'end') {
      if (ev.affectedRows !== undefined) {
        ctx.rows = ev.affectedRows;
        ctx.result = { kind: 'value', data: undefined, rows: [{ affected_rows: ev.affectedRows }] };
        return;
      }
      break;
    }
  }
  const { req } = ctx;
  if (rows.length === 0 && req.envelope === 'mantra') {
    throw new GatewayError('empty_result', { agency: req.agency, service: req.service, operation: req.operation });
  }
  ctx.rows = rows.length;
  ctx.result = { kind: 'value', data: undefined, rows };
}
