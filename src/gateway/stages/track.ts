import type { Tracker } from '../../observability/tracker.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { log } from '../../observability/log.ts';
import type { Secrets } from '../../security/secrets.ts';
import type { TrackInput } from '../../store/types.ts';
import { Evidence, MAX_SEALED_BYTES, type OperationEvidence } from '../../audit/evidence.ts';
import { GatewayError, gatewayErrors } from '../errors.ts';
import type { CallContext, Stage } from '../types.ts';

let lastMs = 0;
let lastIso = '';
/** The time as ISO 8601; calls in the same millisecond share one string. */
function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, new Date(ms).toISOString()];
  return lastIso;
}

const msSince = (start: number) => Math.round((performance.now() - start) * 1000) / 1000;

export interface TrackDeps {
  tracker: Tracker;
  /** The settings' `tracks` flag as it is now. */
  enabled: () => boolean;
  /** Names the presented credential by its keyed hash (cached per key). */
  secrets: Secrets;
  evidence: Evidence;
  metrics: Metrics;
}

/** A proxy answer that did not come fresh from its backend. */
function cacheOf(ctx: CallContext): string | undefined {
  const source = ctx.result?.kind === 'value' ? ctx.result.meta?.source : undefined;
  return source && source !== 'backend' ? source : undefined;
}

function byteLength(body: string | Uint8Array | undefined): number | undefined {
  return body === undefined ? undefined : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function serverTiming(res: Response, totalMs: number, backendMs: number | undefined) {
  res.headers.set('server-timing', backendMs === undefined ? `total;dur=${totalMs}` : `total;dur=${totalMs}, backend;dur=${backendMs}`);
  return res;
}

/**
 * Outermost stage: turns any failure into a GatewayError, renders the answer (for interfaces that hand their
 * renderer to the pipeline) and writes the track before the answer is released. If the track cannot be written
 * the call fails: no answer without evidence. Parameter values are kept only as keyed hashes unless the operation
 * says otherwise; an operation may have its whole answers signed (X-JWS-Signature) and kept, encrypted. A
 * streamed answer is tracked when it ends, with its rows and bytes and whether the caller left or it broke off.
 */
export function track(deps: TrackDeps): Stage {
  const { tracker, enabled, secrets, evidence, metrics } = deps;

  /** Digest, signature and encrypted copy of a whole answer, as its operation asks. */
  async function seal(ctx: CallContext, res: Response, rules: OperationEvidence, entry: TrackInput) {
    const body = ctx.body;
    if (body === undefined) return void (entry.note = 'answer streamed: not signed or kept');
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes.byteLength > MAX_SEALED_BYTES) return void (entry.note = `answer over ${MAX_SEALED_BYTES} bytes: not signed or kept`);
    entry.answerDigest = Evidence.digest(bytes);
    if (rules.signAnswers) {
      const jws = await evidence.signer.sign(ctx.req.agency, bytes, ctx.req.requestId);
      res.headers.set('x-jws-signature', jws);
      entry.signature = Evidence.digest(jws);
    }
    if (rules.storeAnswers) entry.answer = evidence.encryptAnswer(bytes);
  }

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
    const { req } = ctx;
    const render = req.render;
    const durationMs = msSince(ctx.startedAt);
    metrics.call(req.interface, ctx.op, ctx.error ? ctx.error.code : 200, durationMs);
    if (!enabled()) {
      if (render) ctx.response = serverTiming(render(ctx), durationMs, ctx.backendMs);
      return;
    }
    const sub = ctx.subscription;
    const rules = evidence.of(ctx.op?.op);
    const entry: TrackInput = {
      at,
      requestId: req.requestId,
      interface: req.interface,
      agency: req.agency,
      service: req.service,
      operation: req.operation,
      subscription: sub?.id,
      consumer: sub?.consumer,
      credential: req.key ? secrets.hashKey(req.key).slice(0, 16) : undefined,
      remote: req.remote,
      userAgent: req.userAgent.length > 200 ? req.userAgent.slice(0, 200) : req.userAgent,
      format: req.format,
      status: ctx.error ? ctx.error.status : 200,
      code: ctx.error ? ctx.error.code : 200,
      durationMs,
      backendMs: ctx.backendMs,
      rows: ctx.rows,
      cache: cacheOf(ctx),
      purpose: sub?.purpose || undefined,
      legalBasis: (sub as { legalBasis?: string } | undefined)?.legalBasis || undefined,
      params: evidence.params.params(req.params, rules.rules),
    };
    if (!ctx.error && ctx.result?.kind === 'stream' && !ctx.result.complete) {
      // Tracked when the stream ends, with what was sent; its last bytes wait for the track.
      ctx.streamEnd = (o) => tracker.record({
        ...entry, ...streamOutcome[o.end], durationMs: msSince(ctx.startedAt), rows: o.rows, bytes: o.bytes,
        note: rules.signAnswers || rules.storeAnswers ? `${o.end}; answer streamed: not signed or kept` : o.end,
      }).then(() => void metrics.tracks++, (err) => {
        metrics.trackFailures++;
        throw err;
      });
      if (render) ctx.response = serverTiming(render(ctx), durationMs, ctx.backendMs);
      return;
    }
    let res = render?.(ctx);
    if (res) {
      entry.bytes = byteLength(ctx.body);
      if (!ctx.error && (rules.signAnswers || rules.storeAnswers)) {
        try {
          await seal(ctx, res, rules, entry);
        } catch (err) {
          log('error', 'answer not signed', { requestId: req.requestId, error: String(err) });
          ctx.error = new GatewayError('internal');
          ctx.result = undefined;
          Object.assign(entry, { status: ctx.error.status, code: ctx.error.code, answerDigest: undefined, answer: undefined });
          res = render!(ctx);
        }
      }
    }
    try {
      await tracker.record(entry);
      metrics.tracks++;
    } catch (err) {
      metrics.trackFailures++;
      log('error', 'track write failed', { requestId: req.requestId, error: String(err) });
      ctx.error = new GatewayError('internal');
      ctx.result = undefined;
      res = render?.(ctx);
    }
    if (res) ctx.response = serverTiming(res, durationMs, ctx.backendMs);
  };
}

/** The status and code a streamed answer's track records for each way it ended. */
const streamOutcome = {
  complete: { status: 200, code: 200 },
  caller_left: { status: gatewayErrors.client_gone.status, code: gatewayErrors.client_gone.code },
  caller_stalled: { status: gatewayErrors.answer_stalled.status, code: gatewayErrors.answer_stalled.code },
  broken: { status: gatewayErrors.query_failed.status, code: gatewayErrors.query_failed.code },
};
