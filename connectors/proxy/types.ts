import type { Signal } from '../cancel.ts';
import type { ProxyError } from './errors.ts';
import type { BreakerRegistry } from './breaker.ts';
import type { SoapOperation } from '../soap/types.ts';
import type { InternalCheck } from './internal-hosts.ts';

/**
 * One answer of a proxy operation.
 * - `data`: the reply as a value tree (see decode.ts); for a MANTRA envelope with status 1, its inner `data` unchanged.
 * - `source`: from the backend now, from the TTL cache, or the last good answer served because the backend failed.
 * - `status`: the backend's HTTP status for that answer.
 */
export interface ProxyResult {
  data: unknown;
  source: 'backend' | 'cache' | 'fallback';
  status: number;
  /** Backend response headers passed by the operation's `responseHeaders` rule (lower-case names). */
  headers?: Record<string, string>;
  /** Seconds since the answer came from the backend (cache and fallback only). */
  age?: number;
}

export interface InvokeOptions {
  /** The caller's cancellation (client gone). */
  signal?: Signal;
  /** Epoch ms by which the call must end (a composite step's); the operation's own timeout still applies. */
  deadline?: number;
}

export interface BackendHealth {
  breaker: 'off' | 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  /** Last active health check, when they are configured. */
  lastCheck?: { ok: boolean; at: number };
}

export interface ProxyInvoker {
  /** Calls the backend. Rejects with a ProxyError only. */
  invoke(params: Record<string, string>, opts?: InvokeOptions): Promise<ProxyResult>;
  /** A configuration problem found when built (10003, 10004, 10006, host not allowed); invoke() rejects with it. */
  readonly problem?: ProxyError;
  health(): BackendHealth;
  /** Stops health checks and frees TLS clients. The invoker must not be used afterwards. */
  dispose(): void;
}

/** What prepareProxy() found when the operation was saved; the gateway stores it with the operation (plain JSON). */
export type PreparedProxy =
  | { kind: 'http'; version: 1 }
  | { kind: 'soap'; version: 1; operation: SoapOperation };

export interface ProxyDeps {
  /** Settings' backendAllowlist: hosts proxies may reach; empty = any. */
  allowHosts?: readonly string[];
  /**
   * Settings' internalBackends and what the backends' names resolved to (looked up once, by the caller): internal
   * backends not listed are refused. Absent: internal addresses are not judged (the gateway always passes it).
   */
  internal?: InternalCheck;
  /** Required for the soap style: the result of prepareProxy() for this configuration. */
  prepared?: PreparedProxy;
  /** Circuit breakers per backend origin; default: one registry for the whole process. */
  breakers?: BreakerRegistry;
  /** Clock (ms) for TTLs, fallback age, breaker cool-down and token expiry; tests pass a fake one. */
  now?: () => number;
  /** Where transport details (which may name hosts) go; never shown to callers. */
  log?: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

/** A request to the backend, fully built from configuration and caller values. */
export interface BackendRequest {
  method: string;
  url: string;
  /** Headers from the style and mappings; credentials are added per attempt. */
  headers: Record<string, string>;
  body?: string;
  /** Safe to send again (retries). */
  idempotent: boolean;
}

/** What readers need of response headers: web Headers, or the HTTP/1.1 client's lighter ResponseHeaders. */
export interface HeaderReader {
  /** Case-insensitive; repeated fields joined with ", ". */
  get(name: string): string | null;
  forEach(fn: (value: string, name: string) => void): void;
}

export interface RawResponse {
  status: number;
  headers: HeaderReader;
  body: Uint8Array;
}

/** One HTTP exchange's limits (transport.ts). */
export interface SendOptions {
  /** The caller's cancellation. */
  signal?: Signal;
  /** Date.now() value by which the whole exchange must be over. */
  deadline: number;
  /** Limit until the response headers arrive. */
  headersTimeoutMs: number;
  maxBytes: number;
}

export interface Transport {
  send(req: BackendRequest, opts: SendOptions): Promise<RawResponse>;
  close(): void;
}
