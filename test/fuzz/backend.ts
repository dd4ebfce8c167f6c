/**
 * The fuzz backend: a raw TCP server on 127.0.0.1 that reads one HTTP request per connection and writes the
 * current case's reply byte for byte (so malformed framing reaches Mantra's HTTP client), then closes.
 */
import net from 'node:net';
import type { BackendReply, FuzzCase } from './case.ts';

export interface FuzzBackend {
  url: string;
  /** The reply every request gets until it is changed (cases run one at a time). */
  reply: BackendReply;
  /** The last request's head and body, as received (latin1), for the report of a failing case. */
  lastRequest: string;
  /** Sets the case's reply and notes, on the case, the recent replies a cache may still serve. */
  prepare(c: FuzzCase): void;
  stop(): Promise<void>;
}

const utf8 = new TextEncoder();
/** What the backend answers a case that brings no reply of its own (every case sets one, so runs replay alike). */
export const okReply: BackendReply = {
  label: 'ok', body: utf8.encode('{"ok":1}'),
  bytes: utf8.encode('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"ok":1}'),
};

export async function startFuzzBackend(): Promise<FuzzBackend> {
  const sockets = new Set<net.Socket>();
  const recent: string[] = [];
  const backend: FuzzBackend = {
    url: '', reply: okReply, lastRequest: '', stop: async () => {},
    prepare(c) {
      backend.reply = c.reply ?? okReply;
      c.earlier = recent.join('\n');
      recent.push(new TextDecoder().decode(backend.reply.body.subarray(0, 16_384)));
      if (recent.length > 100) recent.shift();
    },
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // A stalled reply is cut after a while, so a case can never keep a socket forever.
    socket.setTimeout(3000, () => socket.destroy());
    let received = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = received.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.byteLength < end + 4 + length) return;
      answered = true;
      backend.lastRequest = received.toString('latin1');
      const reply = backend.reply;
      if (reply.stall) {
        socket.write(reply.bytes.subarray(0, Math.min(20, reply.bytes.byteLength)));
        return;
      }
      socket.end(reply.bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  backend.stop = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return backend;
}
