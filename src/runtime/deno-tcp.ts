/** TcpSocket over Deno.connect: one read loop per connection, writes pumped in order. */
import type { TcpHandlers, TcpSocket } from './types.ts';

declare const Deno: any;

const READ_SIZE = 64 * 1024;

export async function connectTcp(host: string, port: number, handlers: TcpHandlers): Promise<TcpSocket> {
  const conn = await Deno.connect({ hostname: host, port, transport: 'tcp' });
  conn.setNoDelay(true);
  let closed = false;
  const pending: Uint8Array[] = [];
  let pumping = false;

  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch { /* already closed */ }
    handlers.close(error);
  };

  (async () => {
    // One buffer per connection: handlers read each chunk during the call only.
    const buf = new Uint8Array(READ_SIZE);
    try {
      for (;;) {
        const n: number | null = await conn.read(buf);
        if (closed) return;
        if (n === null) return finish();
        handlers.data(buf.subarray(0, n));
      }
    } catch (e) {
      finish(e);
    }
  })();

  async function pump() {
    pumping = true;
    try {
      while (pending.length && !closed) {
        let chunk = pending.shift()!;
        while (chunk.byteLength && !closed) chunk = chunk.subarray(await conn.write(chunk));
      }
    } catch (e) {
      finish(e);
    }
    pumping = false;
  }

  const encoder = new TextEncoder();
  const shut = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  return {
    write(data) {
      if (closed) return;
      pending.push(typeof data === 'string' ? encoder.encode(data) : data);
      if (!pumping) void pump();
    },
    close: shut,
    destroy: shut,
    ref: () => conn.ref(),
    unref: () => conn.unref(),
  };
}
