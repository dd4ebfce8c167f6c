/**
 * An HTTP server over connections Mantra accepts itself. Deno.serve bounds nothing (measured on Deno 2.9: a head
 * trickled for 40 s still reached the handler, and a silent or stalled connection stayed open for good) and shows
 * no connections. So each connection is accepted here, counted against its client address, and handed to Deno's
 * own HTTP server for one connection (`serveHttpOnConnection`, the per-connection twin of what Deno.serve runs), with
 * a signal that closes it: when it carries no request for HEAD_TIMEOUT_MS (a head too slow, or idle keep-alive),
 * or when a body misses its limits.
 */
import type { RequestLimits, Server, ServeOptions } from './types.ts';
import { serveWithBodyLimits } from './body-limits.ts';
import { ClientSlots, TOO_MANY_TEXT } from './client-slots.ts';

declare const Deno: any;

/** Bun closes a connection without a whole head after about 10 s, and cannot be told otherwise: the same here. */
const HEAD_TIMEOUT_MS = 10_000;
/** After an answer that ends its connection, the longest wait for it to be delivered (and its body drained, 2 s). */
const LINGER_MS = 5_000;
/** Deno reports an answer complete a moment before its last bytes leave: closing at once would lose them. */
const FLUSH_MS = 50;

type ServeOnConnection = (
  conn: unknown,
  signal: AbortSignal,
  handler: (req: Request, info: any) => Response | Promise<Response>,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => { finished: Promise<void>; shutdown(): Promise<void> };

/** Deno's per-connection server, when this Deno still has it under that name. */
export function serveOnConnection(): ServeOnConnection | undefined {
  const fn = Deno[Deno.internal]?.serveHttpOnConnection;
  return typeof fn === 'function' ? fn : undefined;
}

export function serveConnections(opts: ServeOptions, limits: RequestLimits, serveOn: ServeOnConnection): Server {
  const { hostname, port, tls } = opts;
  const listener = tls
    ? Deno.listenTls({ hostname, port, cert: tls.cert, key: tls.key, alpnProtocols: ['h2', 'http/1.1'] })
    : Deno.listen({ hostname, port });
  const slots = new ClientSlots(limits);
  const open = new Set<Connection>();
  let stopping = false;
  const onError = () => new Response('Internal Server Error', { status: 500 });

  class Connection {
    readonly #closer = new AbortController();
    /** What the app gets as its requests' signal: Deno warns about its legacy abort once a request's own is read. */
    readonly #gone = new AbortController();
    #active = 0;
    #ended = false;
    #idle: ReturnType<typeof setTimeout> | undefined;
    readonly server: { finished: Promise<void>; shutdown(): Promise<void> };

    constructor(conn: any, readonly address: string) {
      this.#arm();
      this.server = serveOn(conn, this.#closer.signal, (req, info) => this.#serve(req, info), onError, () => {});
      this.server.finished.catch(() => {}).finally(() => {
        this.#ended = true;
        clearTimeout(this.#idle);
        this.#gone.abort();
        open.delete(this);
        slots.release(address);
      });
    }

    get busy(): boolean {
      return this.#active > 0;
    }

    /** Safe at any time: once Deno's server for this connection is gone, aborting its signal would throw. */
    close = (): void => {
      clearTimeout(this.#idle);
      if (this.#ended || this.#closer.signal.aborted) return;
      this.#closer.abort();
    };

    #arm(): void {
      clearTimeout(this.#idle);
      this.#idle = setTimeout(this.close, HEAD_TIMEOUT_MS);
    }

    #serve(req: Request, info: any): Response | Promise<Response> {
      this.#active++;
      clearTimeout(this.#idle);
      const done = () => {
        if (--this.#active === 0 && !this.#closer.signal.aborted) this.#arm();
      };
      info.completed.then(done, done);
      const env = { remoteAddress: this.address };
      if (req.body === null) return opts.fetch(req, env);
      return serveWithBodyLimits(req, limits, (r) => opts.fetch(r, env), {
        gone: this.#gone.signal,
        // Deno keeps reading an unread body after `Connection: close`: the connection is closed here instead,
        // once the answer is out and the rest of the body drained.
        close: (drained) => {
          const linger = setTimeout(this.close, LINGER_MS);
          const completed = info.completed.catch(() => {});
          Promise.all([completed, drained]).finally(() => {
            clearTimeout(linger);
            setTimeout(this.close, FLUSH_MS);
          });
        },
      });
    }
  }

  const refuse = async (conn: any) => {
    try {
      // Plain HTTP gets a word; a TLS client would read it as a broken handshake, so it is only closed.
      if (!opts.tls) {
        await conn.write(new TextEncoder().encode(
          `HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain;charset=utf-8\r\nretry-after: 1\r\n` +
            `connection: close\r\ncontent-length: ${TOO_MANY_TEXT.length}\r\n\r\n${TOO_MANY_TEXT}`,
        ));
      }
    } catch { /* the client is gone already */ }
    try {
      conn.close();
    } catch { /* closed */ }
  };

  const accepting = (async () => {
    while (!stopping) {
      let conn: any;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping || error instanceof Deno.errors.BadResource) return;
        // Out of descriptors, or a connection that failed while queued: keep accepting once some are free.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const address: string = conn.remoteAddr?.hostname ?? '';
      if (!slots.take(address)) {
        void refuse(conn);
        continue;
      }
      open.add(new Connection(conn, address));
    }
  })();

  return {
    port: listener.addr.port,
    async stop() {
      stopping = true;
      listener.close();
      await accepting;
      // Idle or half-sent connections go now; those with a request in progress finish it first.
      await Promise.all([...open].map((c) => {
        if (!c.busy) c.close();
        return c.busy ? c.server.shutdown().catch(() => {}) : c.server.finished.catch(() => {});
      }));
    },
  };
}
