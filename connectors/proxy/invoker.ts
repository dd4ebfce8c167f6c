/**
 * createProxyInvoker: everything about one proxy operation resolved once (request builder, credentials, TLS,
 * reply reader, breaker, caches, health checks), returning the function the gateway calls per request.
 *
 * One call: build the request → TTL cache → [breaker → credentials → send → read reply] with retries for
 * idempotent requests within the operation's total time → store → or, when the backend failed, the fallback.
 */
import { ProxySpec, type ProxySpecInput } from '../../src/model/operation-proxy.ts';
import { createCredentials, NO_HEADERS } from './auth.ts';
import { type Breaker, type BreakerOptions, type Outcome, sharedBreakers } from './breaker.ts';
import { soapProblem, staticProblem } from './config-check.ts';
import { isProxyError, ProxyError, proxyCodes, unavailable } from './errors.ts';
import { startHealthChecks } from './health.ts';
import { httpReplyReader, type Reply } from './http-reply.ts';
import { ReplyCache } from './reply-cache.ts';
import { mantraRequestBuilder } from './request-mantra.ts';
import { httpRequestBuilder } from './request-http.ts';
import { responseHeaderFilter } from './response-headers.ts';
import { backoffDelay, sleep } from './retry.ts';
import { createTransport } from './transport.ts';
import type {
  BackendHealth, BackendRequest, InvokeOptions, ProxyDeps, ProxyInvoker, ProxyResult, RawResponse,
} from './types.ts';
import { soapRequestBuilder } from '../soap/envelope.ts';
import { soapReplyReader } from '../soap/reply.ts';
import type { Signal } from '../cancel.ts';

/** Below this much time left, another attempt is not started. */
const MIN_ATTEMPT_MS = 20;

export function createProxyInvoker(input: ProxySpecInput, deps: ProxyDeps = {}): ProxyInvoker {
  const spec = ProxySpec.parse(input);
  const problem = staticProblem(spec, deps.allowHosts ?? [], deps.internal) ??
    (spec.style === 'soap' ? soapProblem(spec, deps.prepared) : undefined);
  if (problem) return failing(problem);

  const now = deps.now ?? Date.now;
  const transport = createTransport(spec.tls, deps.log);
  const credentials = createCredentials(spec.auth, transport, now);
  let build: (params: Record<string, string>) => BackendRequest;
  let read: (raw: RawResponse) => Reply;
  if (spec.style === 'soap' && deps.prepared?.kind === 'soap') {
    build = soapRequestBuilder(spec, deps.prepared.operation);
    read = soapReplyReader(spec, deps.prepared.operation);
  } else {
    build = spec.style === 'http' ? httpRequestBuilder(spec) : mantraRequestBuilder(spec);
    read = httpReplyReader(spec);
  }
  const passHeaders = responseHeaderFilter(spec.responseHeaders);
  const breakerOptions: BreakerOptions = spec.breaker;
  const breaker: Breaker | undefined = spec.breaker.failures > 0
    ? (deps.breakers ?? sharedBreakers).get(new URL(spec.endpoint).origin)
    : undefined;
  const ttlMs = spec.cacheTtlSeconds * 1000;
  const fallbackMaxAgeMs = spec.fallbackMaxAgeSeconds * 1000;
  const cache = ttlMs > 0 || spec.fallback ? new ReplyCache(spec.cacheMaxEntries) : undefined;
  let lastCheck: BackendHealth['lastCheck'];
  const stopHealth = spec.health.intervalMs > 0 && spec.health.url
    ? startHealthChecks({
      url: spec.health.url,
      intervalMs: spec.health.intervalMs,
      timeoutMs: spec.health.timeoutMs,
      transport,
      breaker,
      now,
      onResult: (ok, at) => (lastCheck = { ok, at }),
    })
    : () => {};

  type Answer = Reply & { headers?: Record<string, string> };
  const withAuth = (req: BackendRequest, auth: Record<string, string>) =>
    auth === NO_HEADERS ? req : { ...req, headers: { ...req.headers, ...auth } };
  const sendOptions = (signal: Signal | undefined, deadline: number) =>
    ({ signal, deadline, headersTimeoutMs: spec.connectTimeoutMs, maxBytes: spec.maxResponseBytes });
  const answer = (raw: RawResponse): Answer => {
    // The readers return a fresh object per reply: the passed headers join it instead of a copy.
    const reply: Answer = read(raw);
    const headers = passHeaders(raw.headers);
    if (headers) reply.headers = headers;
    return reply;
  };

  /**
   * One attempt: credentials, the exchange, and what the reply means. Fixed credentials are never refused, so
   * their attempt is the exchange and its reading, without an async frame of its own.
   */
  function attempt(req: BackendRequest, signal: Signal | undefined, deadline: number): Promise<Answer> {
    const fixed = credentials.fixed;
    if (fixed) return transport.send(withAuth(req, fixed), sendOptions(signal, deadline)).then(answer);
    return renewing(req, signal, deadline);
  }

  /** Credentials that may change (tokens): fetched per attempt, and a refused one is renewed once. */
  async function renewing(req: BackendRequest, signal: Signal | undefined, deadline: number): Promise<Answer> {
    let renewed = false;
    for (;;) {
      let auth: Record<string, string>;
      try {
        auth = await credentials.headers(signal);
      } catch (e) {
        const err = asProxyError(e);
        throw new ProxyError(err.code, err.kind, err.message, { ...err.extra, credentials: true });
      }
      const raw = await transport.send(withAuth(req, auth), sendOptions(signal, deadline));
      // A refused token is renewed once; the backend did not act on the request.
      if (raw.status === 401 && !renewed && credentials.refused()) {
        renewed = true;
        continue;
      }
      return answer(raw);
    }
  }

  async function callBackend(req: BackendRequest, signal: Signal | undefined, until = Infinity) {
    const deadline = Math.min(Date.now() + spec.timeoutMs, until);
    const attempts = req.idempotent ? spec.retries + 1 : 1;
    for (let n = 1; ; n++) {
      if (breaker && !breaker.acquire(now(), breakerOptions)) {
        throw unavailable('The backend is unavailable (its circuit is open after repeated failures)');
      }
      let reply: Answer | undefined;
      let err: ProxyError | undefined;
      try {
        reply = await attempt(req, signal, deadline);
      } catch (e) {
        err = asProxyError(e);
      }
      breaker?.record(err ? verdict(err) : 'success', now(), breakerOptions);
      if (!err) return reply!;
      if (n >= attempts || !retryable(err) || signal?.aborted) throw err;
      const delay = backoffDelay(n, spec.retryBaseMs, spec.retryMaxMs);
      if (deadline - Date.now() - delay < MIN_ATTEMPT_MS) throw err;
      await sleep(delay, signal);
      if (signal?.aborted) throw new ProxyError(proxyCodes.timeout, 'cancelled', 'The call was cancelled');
    }
  }

  return {
    async invoke(params: Record<string, string>, opts: InvokeOptions = {}): Promise<ProxyResult> {
      let req: BackendRequest;
      try {
        req = build(params);
      } catch (e) {
        throw asProxyError(e);
      }
      const key = cache && cacheKey(req);
      if (key && ttlMs > 0) {
        const hit = cache!.get(key);
        if (hit && now() - hit.at < ttlMs) return served(hit, 'cache');
      }
      try {
        const reply = await callBackend(req, opts.signal, opts.deadline);
        if (key) cache!.set(key, { ...reply, at: now() });
        const result: ProxyResult = { data: reply.data, status: reply.status, source: 'backend' };
        if (reply.headers) result.headers = reply.headers;
        return result;
      } catch (e) {
        const err = asProxyError(e);
        if (key && spec.fallback && (err.kind === 'timeout' || err.kind === 'unavailable')) {
          const last = cache!.get(key);
          if (last && (fallbackMaxAgeMs === 0 || now() - last.at <= fallbackMaxAgeMs)) return served(last, 'fallback');
        }
        throw err;
      }
    },
    health: () => ({
      breaker: breaker ? breaker.state : 'off',
      consecutiveFailures: breaker?.consecutiveFailures ?? 0,
      ...(lastCheck ? { lastCheck } : {}),
    }),
    dispose() {
      stopHealth();
      transport.close();
    },
  };

  function served(hit: { data: unknown; status: number; headers?: Record<string, string>; at: number }, source: 'cache' | 'fallback'): ProxyResult {
    return {
      data: hit.data,
      status: hit.status,
      source,
      ...(hit.headers ? { headers: hit.headers } : {}),
      age: Math.max(0, Math.floor((now() - hit.at) / 1000)),
    };
  }
}

/** An invoker for a configuration that cannot work: every call answers its problem. */
function failing(problem: ProxyError): ProxyInvoker {
  return {
    problem,
    invoke: () => Promise.reject(problem),
    health: () => ({ breaker: 'off', consecutiveFailures: 0 }),
    dispose() {},
  };
}

function asProxyError(e: unknown): ProxyError {
  if (isProxyError(e)) return e;
  // A bug, not a backend failure: callers still only ever see a safe message.
  return unavailable('The backend call failed unexpectedly');
}

/** For the breaker: did this say the backend is failing? */
function verdict(err: ProxyError): Outcome {
  if (err.extra.credentials) return 'neutral';
  if (err.kind === 'cancelled' || err.kind === 'invalid' || err.kind === 'config') return 'neutral';
  if (err.kind === 'timeout') return 'failure';
  if (err.kind === 'unavailable') {
    const s = err.extra.backendStatus;
    return s !== undefined && s >= 400 && s < 500 ? 'success' : 'failure';
  }
  return 'success'; // remote: the backend answered, with an error of its own
}

/** Worth another attempt (idempotent calls only): no answer, time ran out, or a temporary HTTP status. */
function retryable(err: ProxyError): boolean {
  if (err.kind === 'timeout') return true;
  if (err.code === proxyCodes.tooLarge) return false; // the same request gets the same oversized reply
  if (err.kind !== 'unavailable') return false;
  const s = err.extra.backendStatus;
  return s === undefined || s >= 500 || s === 429 || s === 408;
}

function cacheKey(req: BackendRequest): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k.toLowerCase()}:${v}`).sort().join('\n');
  return `${req.method} ${req.url}\n${headers}\n\n${req.body ?? ''}`;
}

