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
  /**
   * The connection must not serve another request once this answer is out (its body was not read to the end);
   * with `drained`, it stays in use until that settles too (the rest of the body read and thrown away).
   */
  close?(drained?: Promise<void>): void;
  /** Aborts when the caller goes away; the request's own signal if not given. */
  gone?: AbortSignal;
}

/**
 * After an answer given before the body ended, the rest of the body is read and thrown away up to this much, or
 * for this long, whichever comes first, before the connection is closed (nginx's lingering close, Go's net/http):
 * closing on unread bytes resets the connection, and a peer still sending, such as a reverse proxy, then loses the
 * answer and tells its caller 502. The bounds keep a client from holding the connection or having data read for good.
 */
export const DRAIN = {
  maxBytes: 4 * 1024 * 1024,
  maxMs: 2_000,
  /** A peer silent this long has stopped sending (nginx does once it has the answer): the answer can end. */
  idleMs: 300,
};

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
    // Answered before the body ended (an early refusal such as a 413, or a cancelled read).
    if ('error' in first) {
      watch.abandon();
      hooks.close?.();
      throw first.error;
    }
    const drained = watch.drain(DRAIN);
    hooks.close?.(drained);
    return lingering(first.res, drained);
  }
  if ('error' in first) throw first.error;
  return first.res;
}

/** Statuses whose answer has no body (a Response with one cannot be made). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The app's answer, sent at once, its body held open until `drained` settles: both runtimes close a `Connection:
 * close` answer as soon as it is whole (Deno even when it is whole by its length), so it ends once the drain has.
 */
async function lingering(res: Response, drained: Promise<void>): Promise<Response> {
  if (NO_BODY.has(res.status) || res.body === null) {
    await drained;
    return closing(res);
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await reader.read().catch(() => ({ done: true as const }));
      if (!step.done) return controller.enqueue(step.value);
      await drained;
      controller.close();
    },
    cancel: (reason) => void reader.cancel(reason).catch(() => {}),
  }, { highWaterMark: 0 });
  const headers = new Headers(res.headers);
  headers.set('connection', 'close');
  // Its length would end the answer before the drain does.
  headers.delete('content-length');
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
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
