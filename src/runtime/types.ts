/** What Mantra needs from a JavaScript runtime. Only src/runtime/ knows which one it is on. */
export interface ServeOptions {
  fetch: (req: Request, info: { remoteAddress: string }) => Response | Promise<Response>;
  port: number;
  hostname: string;
  tls?: { cert: string; key: string };
  /** Largest request body the server accepts before the app sees it. */
  maxRequestBodySize?: number;
  /** Bounds on receiving a request; absent, only the runtime's own (a request head within about 10 s). */
  limits?: RequestLimits;
}

/**
 * How long a client may take to send a request, and how many it may keep in progress. A body that misses its
 * deadline or its rate is answered 408 and its connection closed; a client over its cap is answered 429.
 */
export interface RequestLimits {
  /** Whole time to receive a request body, counted from the request's arrival (ms). */
  bodyTimeoutMs: number;
  /** Slowest average upload accepted once `bodyGraceMs` has passed (bytes per second). */
  minBodyBytesPerSecond: number;
  bodyGraceMs: number;
  /**
   * What one client address may hold at once: open connections under Deno; under Bun, which shows no
   * connections to the app, requests whose body is still being received.
   */
  maxPerClient: number;
  /** Addresses free of the cap: a trusted reverse proxy carries many clients on its connections. */
  uncapped?: (address: string) => boolean;
}

export type BodyLimits = Pick<RequestLimits, 'bodyTimeoutMs' | 'minBodyBytesPerSecond' | 'bodyGraceMs'>;

export interface Server {
  port: number;
  stop(): Promise<void>;
}

/** Callbacks of one TCP connection. */
export interface TcpHandlers {
  /** Bytes arrived; the chunk is only valid during the call (it may be a reused buffer). */
  data(chunk: Uint8Array): void;
  /** The peer closed or the connection failed (error set). Called at most once, never after close()/destroy(). */
  close(error?: unknown): void;
}

/** A connected TCP socket. Writes are queued in order when the kernel buffer is full. */
export interface TcpSocket {
  /** Strings must be ASCII (request heads); anything else goes as bytes. */
  write(data: string | Uint8Array): void;
  /** Graceful close (idle connections). */
  close(): void;
  /** Immediate close (errors, timeouts, cancellation). */
  destroy(): void;
  /** Whether an open connection keeps the process alive (idle pooled ones should not). */
  ref(): void;
  unref(): void;
}

export interface Runtime {
  name: 'bun' | 'deno';
  version: string;
  serve(opts: ServeOptions): Promise<Server>;
  /** Command-line arguments after the script (or the compiled binary). */
  args(): string[];
  /** True inside a `bun build --compile` binary. */
  compiled: boolean;
  onSignal(signal: 'SIGINT' | 'SIGTERM', fn: () => void): void;
  /** Opens a plain TCP connection; rejects with the runtime's error (it may name the host: never show it). */
  connectTcp(host: string, port: number, handlers: TcpHandlers): Promise<TcpSocket>;
}
