/** One fuzz case: a request to the gateway (or admin API), and what the fuzz backend answers while it runs. */
import type { FuzzOperation } from './fixture.ts';

export interface FuzzRequest {
  method: string;
  /** Path and query as sent on the request line. */
  target: string;
  /** In order; names may repeat. Values may hold bytes a runtime refuses (NUL, CR, LF, above U+00FF). */
  headers: [string, string][];
  body?: string | Uint8Array;
}

/** A whole raw HTTP reply of the fuzz backend, or a reply it never finishes. */
export interface BackendReply {
  label: string;
  bytes: Uint8Array;
  /** The body before compression and framing (what Mantra may pass on). */
  body: Uint8Array;
  /** Send the head and stall (the proxy's timeout must answer 504). */
  stall?: boolean;
}

export interface FuzzCase {
  seed: number;
  index: number;
  /** Which generator made it. */
  generator: string;
  /** What the answer is checked against: the caller interface its path belongs to. */
  surface: 'compat' | 'v1' | 'soap' | 'admin' | 'other';
  request: FuzzRequest;
  /** The operation the path names, when it names a fixture operation. */
  operation?: FuzzOperation;
  reply?: BackendReply;
  /** Reply bodies of earlier cases that a cache (MANTRA's fallback) may serve again: passing them on is no leak. */
  earlier?: string;
  /** Wire-level damage (request line, headers, framing): what was done, and the bytes to send instead. */
  wire?: string;
  raw?: Uint8Array;
  /** Answers the raw bytes should get (pipelined requests: more than one). */
  expect?: number;
}

/** Generators are registered by name; a new input grammar (e.g. SOAP bodies) is one more entry. */
export type Generator = (rng: import('./prng.ts').Rng, ctx: GeneratorContext) => Omit<FuzzCase, 'seed' | 'index' | 'generator'>;

export interface GeneratorContext {
  operations: FuzzOperation[];
  /** Keys that exist but are refused for a reason (rate limit, IP allowlist, revoked). */
  limitedKeys: string[];
}

/** The case as printed when it fails: bytes escaped, long values shortened. */
export function describeCase(c: FuzzCase): string {
  const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  const body = c.request.body === undefined ? undefined
    : typeof c.request.body === 'string' ? short(c.request.body) : `<${c.request.body.byteLength} bytes>`;
  return JSON.stringify({
    seed: c.seed, case: c.index, generator: c.generator, wire: c.wire,
    method: c.request.method, target: short(c.request.target),
    headers: c.request.headers.map(([k, v]) => [k, short(v)]), body,
    reply: c.reply ? short(c.reply.label) : undefined,
    raw: c.raw ? short(escapeBytes(c.raw.subarray(0, 400))) : undefined,
  }, null, 1);
}

function escapeBytes(b: Uint8Array): string {
  return Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0x0d ? '\\r' : c === 0x0a ? '\\n' : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}
