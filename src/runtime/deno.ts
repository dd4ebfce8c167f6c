import type { Runtime, Server, ServeOptions } from './types.ts';
import { connectTcp } from './deno-tcp.ts';
import { serveConnections, serveOnConnection } from './deno-connections.ts';
import { serveWithBodyLimits } from './body-limits.ts';

declare const Deno: any;

export const runtime: Runtime = {
  name: 'deno',
  version: Deno.version.deno,
  connectTcp,
  compiled: false,
  args: () => Deno.args,
  onSignal: (signal, fn) => Deno.addSignalListener(signal, fn),
  async serve(opts: ServeOptions) {
    const serveOn = opts.limits && serveOnConnection();
    if (opts.limits && serveOn) return serveConnections(opts, opts.limits, serveOn);
    if (opts.limits) {
      console.warn(`Deno ${Deno.version.deno} has no per-connection server: heads and connections go unbounded`);
    }
    return await plainServe(opts);
  },
};

/** Deno.serve as it is: without limits, or on a Deno that no longer offers what serveConnections needs. */
function plainServe(opts: ServeOptions): Promise<Server> {
  const { limits } = opts;
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve(
        {
          port: opts.port,
          hostname: opts.hostname,
          ...(opts.tls ?? {}),
          onListen: ({ port }: { port: number }) =>
            resolve({ port, stop: async () => { await server.shutdown(); } }),
          onError: () => new Response('Internal Server Error', { status: 500 }),
        },
        (req: Request, info: any) => {
          const env = { remoteAddress: info.remoteAddr?.hostname ?? '' };
          return limits && req.body !== null
            ? serveWithBodyLimits(req, limits, (r) => opts.fetch(r, env))
            : opts.fetch(req, env);
        },
      );
    } catch (err) {
      reject(err);
    }
  });
}
