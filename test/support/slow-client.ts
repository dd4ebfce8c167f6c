/** Raw-socket clients that send a request slowly, or not at all, and note when the server closes on them. */
import net from 'node:net';

export interface SlowClient {
  /** When the server closed the connection (ms since it was opened); undefined while open. */
  closedAfterMs?: number;
  /** Everything the server sent. */
  text: string;
  closed: Promise<void>;
  /** The status of the server's answer, if one came. */
  status(): number | undefined;
  destroy(): void;
}

export interface SlowRequest {
  port: number;
  /** The client's own address (any of 127.0.0.0/8): the server sees it as the caller's. */
  localAddress?: string;
  /** The request head, up to and including the blank line. */
  head: string;
  /** Sent at once after the head. */
  body?: string;
  /** One more body byte at this interval, for good. */
  trickleMs?: number;
  /** The head itself one byte at this interval (nothing else is sent). */
  headTrickleMs?: number;
}

export function openSlow(request: SlowRequest): SlowClient {
  const opened = performance.now();
  const socket = net.connect({ port: request.port, host: '127.0.0.1', localAddress: request.localAddress });
  let timer: ReturnType<typeof setInterval> | undefined;
  const client: SlowClient = {
    text: '',
    closed: new Promise((resolve) => {
      socket.on('close', () => {
        clearInterval(timer);
        client.closedAfterMs = performance.now() - opened;
        resolve();
      });
    }),
    status: () => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(client.text);
      return match ? Number(match[1]) : undefined;
    },
    destroy: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (client.text += chunk));
  // A reset after the server gave up on us is what is being tested, not a failure.
  socket.on('error', () => {});
  socket.on('connect', () => {
    if (request.headTrickleMs) {
      let at = 0;
      timer = setInterval(() => at < request.head.length && socket.write(request.head[at++]), request.headTrickleMs);
      return;
    }
    socket.write(request.head + (request.body ?? ''));
    if (request.trickleMs) timer = setInterval(() => socket.write('x'), request.trickleMs);
  });
  return client;
}

/** A POST head that announces more body than will ever come; `extra` are further header lines, each ending in CRLF. */
export function stalledHead(path: string, contentType: string, extra = '', length = 100_000): string {
  return `POST ${path} HTTP/1.1\r\nHost: mantra.test\r\nContent-Type: ${contentType}\r\n${extra}` +
    `Content-Length: ${length}\r\n\r\n`;
}
