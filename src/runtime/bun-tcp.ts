/** TcpSocket over Bun.connect: partial writes are queued and flushed on drain. */
import type { TcpHandlers, TcpSocket } from './types.ts';

declare const Bun: any;

export async function connectTcp(host: string, port: number, handlers: TcpHandlers): Promise<TcpSocket> {
  let closed = false;
  /** Bytes not yet taken by the kernel, in order; null while writes go straight through. */
  let queue: Uint8Array[] | null = null;
  const finish = (socket: any, error?: unknown) => {
    if (closed) return;
    closed = true;
    queue = null;
    socket.terminate();
    handlers.close(error);
  };
  const flush = (socket: any) => {
    while (queue && queue.length) {
      const chunk = queue[0];
      const n = socket.write(chunk);
      if (n < 0) return finish(socket, new Error('socket closed'));
      if (n < chunk.byteLength) {
        queue[0] = chunk.subarray(n);
        return;
      }
      queue.shift();
    }
    queue = null;
  };
  const socket = await Bun.connect({
    hostname: host,
    port,
    socket: {
      data: (_s: unknown, chunk: Uint8Array) => {
        if (!closed) handlers.data(chunk);
      },
      drain: (s: any) => flush(s),
      // FIN from the peer: a response can no longer be completed on this connection.
      end: (s: any) => finish(s),
      close: (s: any, error?: unknown) => finish(s, error),
      error: (s: any, error: unknown) => finish(s, error),
      // Given so the rejection of Bun.connect is the only report of a failed connect.
      connectError: () => {},
    },
  });
  return {
    write(data) {
      if (closed) return;
      if (queue) {
        queue.push(typeof data === 'string' ? ascii(data) : data);
        return;
      }
      const n = socket.write(data);
      if (n < 0) return finish(socket, new Error('socket closed'));
      const size = typeof data === 'string' ? data.length : data.byteLength;
      if (n < size) queue = [(typeof data === 'string' ? ascii(data) : data).subarray(n)];
    },
    close() {
      if (closed) return;
      closed = true;
      socket.end();
    },
    destroy() {
      if (closed) return;
      closed = true;
      socket.terminate();
    },
    ref: () => socket.ref(),
    unref: () => socket.unref(),
  };
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
