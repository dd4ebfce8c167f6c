/**
 * Raw HTTP/1.1 over node:net, for what no HTTP client sends: bytes as given in the request line and headers,
 * broken framing, pipelined requests. Reads the answers back with a small response parser.
 */
import net from 'node:net';
import type { FuzzCase } from './case.ts';
import type { Answer } from './oracle.ts';
import { wtf8 } from './values.ts';

/** Latin-1 characters as single bytes (what HTTP carries), anything above as UTF-8. */
export function wireBytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0xff) out.push(cp);
    else out.push(...wtf8(ch));
  }
  return out;
}

const bodyBytes = (b: string | Uint8Array | undefined) => (b === undefined ? [] : typeof b === 'string' ? wtf8(b) : [...b]);

/** The case as bytes: request line, Host, its headers, a Content-Length for its body (unless it brings one). */
export function requestBytes(c: FuzzCase, host: string): Uint8Array {
  const { method, target, headers, body } = c.request;
  const b = bodyBytes(body);
  let head = `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (b.length && !headers.some(([k]) => k.toLowerCase() === 'content-length')) head += `Content-Length: ${b.length}\r\n`;
  return Uint8Array.from([...wireBytes(head + '\r\n'), ...b]);
}

export interface WireResult {
  answers: Answer[];
  /** The server closed the connection (or reset it). */
  closed: boolean;
  /** Bytes after the last complete answer. */
  rest: Uint8Array;
}

/**
 * Sends bytes and reads answers until `expect` complete ones arrived, the server closed, or `idleMs` passed
 * without a byte. For a request the server is still waiting on (its body is short), the write side is closed
 * after `idleMs`, and the connection dropped after `maxMs`.
 */
export function exchange(port: number, bytes: Uint8Array, opts: { expect?: number; idleMs?: number; maxMs?: number; head?: boolean } = {}): Promise<WireResult> {
  const { expect = 1, idleMs = 400, maxMs = 3000, head = false } = opts;
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let done = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(hard);
      socket.destroy();
      const parsed = parseAnswers(buf, head, closed);
      resolve({ answers: parsed.answers, closed, rest: parsed.rest });
    };
    const hard = setTimeout(() => finish(false), maxMs);
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (socket.writable) {
          socket.end();
          arm();
        } else finish(false);
      }, idleMs);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      arm();
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (parseAnswers(buf, head, false).answers.length >= expect) finish(false);
      else arm();
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** Complete answers in the bytes; with `closed`, a body without length ends at the end. */
export function parseAnswers(buf: Buffer, head: boolean, closed: boolean): { answers: Answer[]; rest: Uint8Array } {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const lines = buf.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) break;
    const status = Number(m[1]);
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      try {
        if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      } catch {
        // a header the Fetch API cannot hold; the status and body still count
      }
    }
    let start = end + 4;
    let body: Uint8Array;
    if (head || status < 200 || status === 204 || status === 304) body = new Uint8Array(0);
    else if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
      const chunks: Buffer[] = [];
      let p = start;
      let complete = false;
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', p);
        if (lineEnd === -1) break;
        const size = parseInt(buf.subarray(p, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size)) break;
        if (size === 0) {
          const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
          if (trailerEnd === -1 && buf.indexOf('\r\n', lineEnd + 2) !== lineEnd + 2) break;
          p = trailerEnd === -1 ? lineEnd + 4 : trailerEnd + 4;
          complete = true;
          break;
        }
        if (lineEnd + 2 + size + 2 > buf.length) break;
        chunks.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        p = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = new Uint8Array(Buffer.concat(chunks));
      start = p;
    } else if (headers.has('content-length')) {
      const n = Number(headers.get('content-length'));
      if (start + n > buf.length) break;
      body = new Uint8Array(buf.subarray(start, start + n));
      start += n;
    } else {
      if (!closed) break;
      body = new Uint8Array(buf.subarray(start));
      start = buf.length;
    }
    answers.push({ status, headers, body });
    at = start;
  }
  return { answers, rest: new Uint8Array(buf.subarray(at)) };
}

/** GET /healthz on a new connection: true when it answers 200 {"status":"ok"}. */
export async function healthy(port: number): Promise<boolean> {
  const r = await exchange(port, Uint8Array.from(wireBytes('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')), { idleMs: 2000, maxMs: 5000 });
  const a = r.answers[0];
  return a?.status === 200 && new TextDecoder().decode(a.body).includes('"ok"');
}
