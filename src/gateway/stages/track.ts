import type { Tracker } from '../../observability/tracker.ts';
import { log } from '../../observability/log.ts';
import { GatewayError } from '../errors.ts';
import type { Stage } from '../types.ts';

let lastMs = 0;
let lastIso = '';
/** The time as ISO 8601; calls in the same millisecond share one string. */
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, new Date(ms).toISOString()];
  return lastIso;
}

/**
 * Outermost stage: turns any failure into a GatewayError and writes the track before the answer is released.
 * Parameters are redacted (names only). If the track cannot be written the call fails: no answer without evidence.
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
    try {
      await tracker.record({
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
        durationMs: Math.round((performance.now() - ctx.startedAt) * 1000) / 1000,
        rows: ctx.rows,
        params: Object.keys(req.params).join(','),
      });
    } catch (err) {
      log('error', 'track write failed', { requestId: req.requestId, error: String(err) });
      ctx.error = new GatewayError('internal');
      ctx.result = undefined;
    }
  };
}
