import type { Runtime, ServeOptions } from './types.ts';
import { connectTcp } from './bun-tcp.ts';

declare const Bun: any;

export const runtime: Runtime = {
  name: 'bun',
  version: Bun.version,
  connectTcp,
  compiled: import.meta.url.includes('$bunfs') || import.meta.url.includes('~BUN'),
  args: () => process.argv.slice(2),
  onSignal: (signal, fn) => void process.on(signal, fn),
  async serve(opts: ServeOptions) {
    const server = Bun.serve({
      port: opts.port,
      hostname: opts.hostname,
      tls: opts.tls,
      maxRequestBodySize: opts.maxRequestBodySize,
      // Long exports stream for minutes; Bun's ceiling is 255 s of silence, the app sends data well before that.
      idleTimeout: 255,
      // Bun's default follows NODE_ENV; development mode would answer an unexpected error with its stack.
      development: false,
      // The address is looked up only when asked for.
      fetch: (req: Request, srv: any) => opts.fetch(
        req.url.charCodeAt(0) === 0x2f ? withHost(req, opts.tls ? 'https' : 'http', srv.port) : req,
        { get remoteAddress() { return srv.requestIP(req)?.address ?? ''; } },
      ),
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
