/**
 * A raw TCP "HTTP server" on 127.0.0.1 for client tests, able to misbehave: each request (head and
 * Content-Length body) is handed to the test with its socket, which writes whatever bytes it wants.
 */
import net from 'node:net';

export interface RawRequest {
  head: string;
  body: string;
  /** 1-based number of the connection it came on. */
  conn: number;
}

export interface RawServer {
  url: string;
  requests: RawRequest[];
  /** Connections accepted so far. */
  connections: number;
  /** Connections the client ended or reset (those the server closed first may count too). */
  closedByClient: number;
  stop(): Promise<void>;
}

export type RawHandler = (socket: net.Socket, req: RawRequest) => void;

export async function rawServer(handle: RawHandler): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const server: RawServer = { url: '', requests: [], connections: 0, closedByClient: 0, stop: async () => {} };
  const srv = net.createServer((socket) => {
    const conn = ++server.connections;
    sockets.add(socket);
    // The peer's FIN or reset: the client let go of the connection.
    let counted = false;
    const gone = () => {
      if (!counted) server.closedByClient++;
      counted = true;
    };
    socket.on('end', gone);
    socket.on('error', gone);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const req = { head, body: buf.subarray(end + 4, end + 4 + length).toString(), conn };
        buf = buf.subarray(end + 4 + length);
        server.requests.push(req);
        handle(socket, req);
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  server.url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  server.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      srv.close(() => resolve());
    });
  return server;
}

/** Runs fn with a raw server and always stops it. */
export async function withRaw(handle: RawHandler, fn: (s: RawServer) => Promise<void>): Promise<void> {
  const s = await rawServer(handle);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** A complete keep-alive response with a Content-Length body. */
export function ok(body: string, headers = 'Content-Type: text/plain'): string {
  return `HTTP/1.1 200 OK\r\n${headers}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until cond() holds (or fails the test after maxMs). */
export async function until(cond: () => boolean, maxMs = 2000): Promise<void> {
  const end = Date.now() + maxMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await delay(5);
  }
}
