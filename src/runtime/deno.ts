import type { Runtime, ServeOptions } from './types.ts';
import { connectTcp } from './deno-tcp.ts';

declare const Deno: any;

export const runtime: Runtime = {
  name: 'deno',
  version: Deno.version.deno,
  connectTcp,
  compiled: false,
  args: () => Deno.args,
  onSignal: (signal, fn) => Deno.addSignalListener(signal, fn),
  serve(opts: ServeOptions) {
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
          (req: Request, info: any) => opts.fetch(req, { remoteAddress: info.remoteAddr?.hostname ?? '' }),
        );
      } catch (err) {
        reject(err);
      }
    });
  },
};
