/**
 * A small keep-alive HTTP/1.1 client for plain http:// backends, cheaper per call than fetch(). Same contract as
 * the fetch() path of transport.ts: a headers deadline then a whole-call deadline (one timer, re-armed), the
 * caller's signal, the body read up to maxBytes, no redirects followed, caller-safe ProxyErrors. A connection
 * that failed, timed out or ended oddly is destroyed, never pooled. An idempotent request on a pooled connection
 * the server had closed (no byte of an answer before EOF or reset) is retried once on a new connection; other
 * requests are not, since the server may have acted on them before closing (RFC 9110, 9.2.2).
 */
import { timedOut, unavailable } from '../errors.ts';
import { cancelled, describeNetworkError } from '../failure.ts';
import type { SendOptions } from '../types.ts';
import type { BackendRequest, ProxyDeps, RawResponse } from '../types.ts';
import { decodeContent } from './content-coding.ts';
import { broken, ResponseParser } from './parse.ts';
import { type Connection, type ConnectionUser, defaultLimits, OriginPool, type PoolLimits } from './pool.ts';
import { requestBytes } from './request.ts';
import type { Route } from './target.ts';

type Log = ProxyDeps['log'];

export class Http1Client {
  private readonly pools = new Map<string, OriginPool>();

  constructor(private readonly log?: Log, private readonly limits: PoolLimits = defaultLimits) {}

  send(route: Route, req: BackendRequest, opts: SendOptions): Promise<RawResponse> {
    try {
      if (opts.signal?.aborted) throw cancelled(opts.signal);
      const bytes = requestBytes(req.method, route.target, route.origin.host, req.headers, req.body);
      const remaining = opts.deadline - Date.now();
      if (remaining <= 0) throw timedOut('The backend did not answer in time');
      let pool = this.pools.get(route.origin.key);
      if (!pool) this.pools.set(route.origin.key, (pool = new OriginPool(route.origin, this.limits)));
      return new Promise((resolve, reject) =>
        new Exchange(pool!, bytes, req.method, req.idempotent, opts, remaining, this.log, resolve, reject).start()
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Idle connections of this origin (tests). */
  idle(route: Route): number {
    return this.pools.get(route.origin.key)?.idleCount ?? 0;
  }

  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}

/** One request and its response; also the listener of the caller's signal (no closure per call). */
class Exchange implements ConnectionUser {
  private readonly parser: ResponseParser;
  private conn: Connection | null = null;
  private reused = false;
  private retried = false;
  private received = false;
  private settled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer runs to the headers deadline, to be re-armed to the whole-call deadline when headers arrive. */
  private headersPhase: boolean;
  private readonly headersMs: number;

  constructor(
    private readonly pool: OriginPool,
    private readonly bytes: string | Uint8Array,
    private readonly method: string,
    private readonly idempotent: boolean,
    private readonly opts: SendOptions,
    remaining: number,
    private readonly log: Log,
    private readonly resolve: (r: RawResponse) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.parser = new ResponseParser(method === 'HEAD', opts.maxBytes);
    this.headersMs = Math.min(opts.headersTimeoutMs, remaining);
    this.headersPhase = this.headersMs < remaining;
  }

  start(): void {
    this.timer = setTimeout(expire, this.headersMs, this);
    this.opts.signal?.addEventListener('abort', this);
    const idle = this.pool.take(Date.now());
    if (idle) this.attach(idle);
    else this.connect();
  }

  private connect(): void {
    this.pool.open().then(
      (c) => {
        if (this.settled) c.socket.destroy();
        else this.attach(c);
      },
      (e) => this.failNetwork(e),
    );
  }

  private attach(c: Connection): void {
    this.conn = c;
    this.reused = c.uses > 0;
    c.uses++;
    c.user = this;
    c.socket.write(this.bytes);
  }

  onData(chunk: Uint8Array): void {
    if (this.settled) return;
    this.received = true;
    const p = this.parser;
    try {
      p.feed(chunk);
    } catch (e) {
      return this.fail(e);
    }
    if (p.done) return this.succeed();
    if (this.headersPhase && p.headersDone) {
      this.headersPhase = false;
      clearTimeout(this.timer);
      const left = this.opts.deadline - Date.now();
      if (left <= 0) return this.timeout();
      this.timer = setTimeout(expire, left, this);
    }
  }

  onClose(error?: unknown): void {
    if (this.settled) return;
    if (!this.received && this.reused && !this.retried && this.idempotent) {
      // The server closed the pooled connection before it saw the request.
      this.retried = true;
      this.conn = null;
      return this.connect();
    }
    if (error !== undefined) return this.failNetwork(error);
    try {
      this.parser.end();
    } catch (e) {
      if (!this.received) return this.failNetwork(undefined);
      return this.fail(e);
    }
    this.succeed();
  }

  /** The caller's signal (EventListener object). */
  handleEvent(): void {
    this.fail(cancelled(this.opts.signal!));
  }

  timeout(): void {
    this.fail(timedOut(
      this.headersPhase ? `The backend sent no answer within ${this.headersMs} ms` : 'The backend did not answer in time',
    ));
  }

  private succeed(): void {
    this.settled = true;
    this.cleanup();
    const p = this.parser;
    const conn = this.conn!;
    if (p.reusable && !p.extra) {
      this.pool.release(conn);
    } else {
      conn.user = null;
      conn.dead = true;
      conn.socket.close();
    }
    let body: Uint8Array;
    try {
      body = decodeContent(p.result(), p.headers.get('content-encoding'), this.opts.maxBytes, p.status);
    } catch (e) {
      return this.reject(e);
    }
    this.resolve({ status: p.status, headers: p.headers, body });
  }

  private failNetwork(error: unknown): void {
    if (this.settled) return;
    // Only the origin: paths and queries carry caller values (personal data).
    this.log?.('warn', 'backend request failed', {
      method: this.method,
      origin: this.pool.origin.origin,
      error: String(error ?? 'connection closed before an answer'),
    });
    this.fail(error === undefined ? broken() : unavailable(describeNetworkError(error)));
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    const conn = this.conn;
    if (conn) {
      conn.user = null;
      conn.dead = true;
      conn.socket.destroy();
    }
    this.reject(error);
  }

  private cleanup(): void {
    clearTimeout(this.timer);
    this.opts.signal?.removeEventListener('abort', this);
  }
}

function expire(exchange: Exchange): void {
  exchange.timeout();
}
