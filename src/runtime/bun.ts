import type { RequestLimits, Runtime, ServeOptions } from './types.ts';
import { connectTcp } from './bun-tcp.ts';
import { serveWithBodyLimits } from './body-limits.ts';
import { ClientSlots, tooManyFromClient } from './client-slots.ts';

declare const Bun: any;

/**
 * Long exports stream for minutes; Bun's ceiling is 255 s of silence, the app sends data well before that.
 * Measured on Bun 1.4.5: this timer restarts on every byte Bun writes, never on a byte it reads, so while a body
 * is being received it is a whole deadline. A request head is bounded apart from it: a connection that has not
 * sent a whole head after about 10 s (12-13 s measured, trickled or silent) is closed by Bun itself.
 */
const IDLE_SECONDS = 255;

export const runtime: Runtime = {
  name: 'bun',
  version: Bun.version,
  connectTcp,
  compiled: import.meta.url.includes('$bunfs') || import.meta.url.includes('~BUN'),
  args: () => process.argv.slice(2),
  onSignal: (signal, fn) => void process.on(signal, fn),
  async serve(opts: ServeOptions) {
    const upload = opts.limits && guardUploads(opts, opts.limits);
    const server = Bun.serve({
      port: opts.port,
      hostname: opts.hostname,
      tls: opts.tls,
      maxRequestBodySize: opts.maxRequestBodySize,
      idleTimeout: IDLE_SECONDS,
      // Bun's default follows NODE_ENV; development mode would answer an unexpected error with its stack.
      development: false,
      // A request without a body costs nothing more; the address is looked up only when asked for.
      fetch: (req: Request, srv: any) => {
        const routed = req.url.charCodeAt(0) === 0x2f ? withHost(req, opts.tls ? 'https' : 'http', srv.port) : req;
        if (upload && routed.body !== null) return upload(req, routed, srv);
        return opts.fetch(routed, { get remoteAddress() { return srv.requestIP(req)?.address ?? ''; } });
      },
    });
    return { port: server.port, stop: () => server.stop(true) };
  },
};

/**
 * Without a Host header (HTTP/1.0 may omit it, or it is empty) Bun gives a relative URL, which every router reads
 * as no path at all. The request gets the absolute URL Deno would give it: the path matters, the host does not.
 */
function withHost(req: Request, scheme: string, port: number): Request {
  return new Request(`${scheme}://localhost:${port}${req.url}`, req);
}

/**
 * Serves a request with a body: capped per client address, and bounded in time while it is received.
 * `req` is Bun's own (its socket's timer and address), `routed` the one the app gets.
 */
function guardUploads(opts: ServeOptions, limits: RequestLimits) {
  const slots = new ClientSlots(limits);
  // Bun's own close is the backstop for a body nobody reads; it ticks every 4 s, so ours answers first.
  const backstopSeconds = Math.min(IDLE_SECONDS, Math.ceil(limits.bodyTimeoutMs / 1000) + 4);
  return async (req: Request, routed: Request, srv: any): Promise<Response> => {
    const remoteAddress: string = srv.requestIP(req)?.address ?? '';
    if (!slots.take(remoteAddress)) return tooManyFromClient();
    // An answer given before its body ended holds the connection while the rest is drained: the slot too.
    let held: Promise<void> | undefined;
    try {
      srv.timeout(req, backstopSeconds);
      return await serveWithBodyLimits(routed, limits, (r) => opts.fetch(r, { remoteAddress }), {
        // The answer may take its time (a long query). Bun 1.4.5 was seen to drop the timer by itself once a body
        // ended; it is set back here so that no version cuts the answer at the body's deadline.
        // A closing answer carries `Connection: close`, which Bun obeys at once.
        received: () => {
          try {
            srv.timeout(req, IDLE_SECONDS);
          } catch { /* already answered */ }
        },
        close: (drained) => void (held = drained),
      });
    } finally {
      if (held) void held.finally(() => slots.release(remoteAddress));
      else slots.release(remoteAddress);
    }
  };
}
