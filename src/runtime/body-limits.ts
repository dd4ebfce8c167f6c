/**
 * The deadline and minimum rate of a request body, the same under Bun and Deno: once `bodyGraceMs` has passed a
 * body must have come at `minBodyBytesPerSecond` on average, and all of it within `bodyTimeoutMs`. A client too slow
 * is answered 408 and its connection closed, whatever the app was about to answer.
 */
import type { BodyLimits } from './types.ts';
import { BodyWatch } from './body-watch.ts';

/** What the adapter does with the connection underneath. */
export interface ConnectionHooks {
  /** The whole body arrived: the answer may now take as long as it needs. */
  received?(): void;
  /** The connection must not serve another request once this answer is out (its body was not read to the end). */
  close?(): void;
  /** Aborts when the caller goes away; the request's own signal if not given. */
  gone?: AbortSignal;
}

/**
 * Bodies declared this small (nearly every call's form or JSON) are read whole before the app sees them, as the
 * runtime reads them natively: through a watching stream, a small POST cost a third more under Bun (measured).
 */
const WHOLE_BODY_MAX = 64 * 1024;

/**
 * Methods no Request can be made for with a body (GET, HEAD) or at all (CONNECT, TRACE, TRACK), in any case (Deno
 * passes on `get` as sent). They go on as they came: no route reads their body, and the runtime's own bounds hold.
 */
const AS_THEY_CAME = /^(get|head|connect|trace|track)$/i;

/** Serves a request that has a body, within the limits. */
export async function serveWithBodyLimits(
  req: Request,
  limits: BodyLimits,
  fetch: (req: Request) => Response | Promise<Response>,
  hooks: ConnectionHooks = {},
): Promise<Response> {
  const length = req.headers.get('content-length');
  const chunked = req.headers.has('transfer-encoding');
  // Without either header a request has no body (RFC 9112 6.3), whatever the runtime hands on.
  if ((length === null && !chunked) || AS_THEY_CAME.test(req.method)) return await fetch(req);
  const declared = chunked ? NaN : Number(length);
  return declared <= WHOLE_BODY_MAX
    ? serveWhole(req, declared, limits, fetch, hooks)
    : serveWatched(req, limits, fetch, hooks);
}

/** Reads the body, then calls the app. Without the bytes as they come, the rate is kept over the whole length. */
async function serveWhole(
  req: Request,
  declared: number,
  limits: BodyLimits,
  fetch: (req: Request) => Response | Promise<Response>,
  hooks: ConnectionHooks,
): Promise<Response> {
  const atMinimumRate = (declared * 1000) / limits.minBodyBytesPerSecond;
  const allowedMs = Math.min(limits.bodyTimeoutMs, Math.max(limits.bodyGraceMs, atMinimumRate));
  const reading = req.arrayBuffer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), allowedMs)));
  let body: ArrayBuffer | 'late';
  try {
    body = await Promise.race([reading, late]);
  } catch {
    // The connection broke under the body: nobody is left to read an answer.
    hooks.close?.();
    return new Response(null, { status: 400, headers: { connection: 'close' } });
  } finally {
    clearTimeout(timer);
  }
  if (body === 'late') {
    reading.catch(() => {});
    hooks.close?.();
    return requestTimeout();
  }
  hooks.received?.();
  return fetch(new GuardedRequest(req, body, () => hooks.gone ?? req.signal));
}

/**
 * The request the app gets, with another body: the runtime's URL as it was given, and a signal looked up only
 * when asked for (reading a Bun request's signal is costly; Deno warns about its legacy abort once it is read).
 */
class GuardedRequest extends Request {
  readonly #url: string;
  readonly #signal: () => AbortSignal;
  #signalValue: AbortSignal | undefined;

  constructor(original: Request, body: BodyInit, signal: () => AbortSignal) {
    // Bun passes on a target that is no URL (`host:port`); only the base class needs a valid one.
    const url = original.url;
    super(URL.canParse(url) ? url : 'http://invalid/', {
      method: original.method,
      headers: original.headers,
      body,
      duplex: 'half',
    } as RequestInit);
    this.#url = url;
    this.#signal = signal;
  }

  override get url(): string {
    return this.#url;
  }

  override get signal(): AbortSignal {
    return (this.#signalValue ??= this.#signal());
  }
}

/** Calls the app at once with a watched body: for a long body, or one of unknown length. */
async function serveWatched(
  req: Request,
  limits: BodyLimits,
  fetch: (req: Request) => Response | Promise<Response>,
  hooks: ConnectionHooks,
): Promise<Response> {
  const watch = new BodyWatch(req.body!, limits, () => hooks.received?.());
  const watched = new GuardedRequest(req, watch.body, () => AbortSignal.any([hooks.gone ?? req.signal, watch.signal]));
  const answer = (async () => await fetch(watched))();
  const first = await Promise.race([answer.then((res) => ({ res }), (error) => ({ error })), watch.breach]);
  if (first === 'breach') {
    // The app's own answer comes later, if at all; a streamed one would hold its job for nothing.
    answer.then((late) => void late.body?.cancel().catch(() => {}), () => {});
    hooks.close?.();
    return requestTimeout();
  }
  if (!watch.received) {
    // Answered before the body ended (an early refusal, or a cancelled read): the rest of it is never read.
    watch.abandon();
    hooks.close?.();
    if ('res' in first) return closing(first.res);
  }
  if ('error' in first) throw first.error;
  return first.res;
}

function requestTimeout(): Response {
  return new Response('Request Timeout: the request was not received in time\n', {
    status: 408,
    headers: { 'content-type': 'text/plain;charset=utf-8', connection: 'close' },
  });
}

/** The app's answer, marked so that the runtime closes the connection after it. */
function closing(res: Response): Response {
  try {
    res.headers.set('connection', 'close');
    return res;
  } catch {
    // Immutable headers (a fetched response passed through): a copy takes the mark.
    const copy = new Response(res.body, res);
    copy.headers.set('connection', 'close');
    return copy;
  }
}
