import type { Tracker } from '../../observability/tracker.ts';
import { log } from '../../observability/log.ts';
import { GatewayError, gatewayErrors } from '../errors.ts';
import type { Stage } from '../types.ts';

let lastMs = 0;
let lastIso = '';
/** The time as ISO 8601; calls in the same millisecond share one string. */
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, new Date(ms).toISOString()];
  return lastIso;
}

const msSince = (start: number) => Math.round((performance.now() - start) * 1000) / 1000;

/**
 * Outermost stage: turns any failure into a GatewayError and writes the track before the answer is released.
 * Parameters are redacted (names only). If the track cannot be written the call fails: no answer without evidence.
 * A streamed answer is tracked when it ends, with its rows and bytes and whether the caller left or it broke off.
 */
export function track(tracker: Tracker, enabled: () => boolean): Stage {
  return async function track(ctx, next) {
    const at = nowIso();
    try {
      await next();
    } catch (err) {
      if (err instanceof GatewayError) ctx.error = err;
      else if (ctx.req.signal.aborted) ctx.error = new GatewayError('client_gone');
      else {
        ctx.error = new GatewayError('internal');
        log('error', 'call failed', { requestId: ctx.req.requestId, error: String(err) });
      }
    }
    if (!enabled()) return;
    const { req } = ctx;
    const entry = {
      at,
      requestId: req.requestId,
      interface: req.interface,
      agency: req.agency,
      service: req.service,
      operation: req.operation,
      subscription: ctx.subscription?.id,
      consumer: ctx.subscription?.consumer,
      remote: req.remote,
      userAgent: req.userAgent.slice(0, 200),
      format: req.format,
      status: ctx.error ? ctx.error.status : 200,
      code: ctx.error ? ctx.error.code : 200,
      durationMs: msSince(ctx.startedAt),
      rows: ctx.rows,
      params: Object.keys(req.params).join(','),
    };
    if (!ctx.error && ctx.result?.kind === 'stream' && !ctx.result.complete) {
      // Tracked when the stream ends, with what was sent; its last bytes wait for the track.
      ctx.streamEnd = (o) => tracker.record({ ...entry, ...streamOutcome[o.end], durationMs: msSince(ctx.startedAt), rows: o.rows, note: `${o.end}, ${o.bytes} bytes` });
      return;
    }
    try {
      await tracker.record(entry);
    } catch (err) {
      log('error', 'track write failed', { requestId: req.requestId, error: String(err) });
      ctx.error = new GatewayError('internal');
      ctx.result = undefined;
    }
  };
}

/** The status and code a streamed answer's track records for each way it ended. */
const streamOutcome = {
  complete: { status: 200, code: 200 },
  caller_left: { status: gatewayErrors.client_gone.status, code: gatewayErrors.client_gone.code },
  broken: { status: gatewayErrors.query_failed.status, code: gatewayErrors.query_failed.code },
};
