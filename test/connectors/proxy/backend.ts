/** A real HTTP backend on 127.0.0.1 for proxy tests: records what it received, answers what the test says. */
import { runtime } from '../../../src/runtime/index.ts';

export interface Received {
  method: string;
  /** Path and query exactly as sent (percent-encoding kept). */
  target: string;
  headers: Record<string, string>;
  body: string;
}

export type Handler = (req: Request, received: Received) => Response | Promise<Response>;

export interface Backend {
  url: string;
  received: Received[];
  /** Swap the answer while running (e.g. the backend "goes down"). */
  handle: Handler;
  stop(): Promise<void>;
}

export async function startBackend(handle: Handler): Promise<Backend> {
  const backend: Backend = {
    url: '',
    received: [],
    handle,
    stop: async () => {},
  };
  const server = await runtime.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (req) => {
      const url = new URL(req.url);
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const rec: Received = { method: req.method, target: req.url.slice(url.origin.length), headers, body: await req.text() };
      backend.received.push(rec);
      return backend.handle(req, rec);
    },
  });
  backend.url = `http://127.0.0.1:${server.port}`;
  backend.stop = () => server.stop();
  return backend;
}

/** Runs fn with a backend and always stops it. */
export async function withBackend(handle: Handler, fn: (b: Backend) => Promise<void>): Promise<void> {
  const b = await startBackend(handle);
  try {
    await fn(b);
  } finally {
    await b.stop();
  }
}

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...headers } });

export const text = (body: string, status = 200, type = 'text/plain') =>
  new Response(body, { status, headers: { 'content-type': type } });

/** Answers only when the client goes away (or after `maxMs`, so a test can never hang a server). */
export function never(req: Request, maxMs = 3000): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve(new Response('late'));
    };
    const timer = setTimeout(done, maxMs);
    req.signal.addEventListener('abort', done, { once: true });
  });
}

/** A fake clock for TTLs, breaker cool-downs and token expiry. */
export function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}
