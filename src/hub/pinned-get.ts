/**
 * One GET to a node at addresses already checked: the connection goes to one of them, never to whatever a new
 * lookup of the name would say (DNS rebinding), while the request keeps the URL's Host header and, over https, its
 * name for SNI and the certificate check. The answer is read with the proxy's HTTP/1.1 parser and content
 * decoding, so framing, limits and codings are those of proxy calls. node:net and node:tls behave the same under
 * Bun and Deno.
 */
import net from 'node:net';
import tls from 'node:tls';
import { decodeContent } from '../../connectors/proxy/http1/content-coding.ts';
import type { ResponseHeaders } from '../../connectors/proxy/http1/headers.ts';
import { ResponseParser } from '../../connectors/proxy/http1/parse.ts';
import { requestBytes } from '../../connectors/proxy/http1/request.ts';
import { hostKey } from '../../connectors/proxy/internal-hosts.ts';
import { ipBytes } from '../../connectors/proxy/ip-address.ts';

export interface PinnedGet {
  url: URL;
  /** Checked addresses of the URL's host, tried in order until one accepts the connection. */
  addresses: readonly string[];
  headers: Record<string, string>;
  signal: AbortSignal;
  maxBytes: number;
  /** Extra trusted CA (PEM) for https; absent: the runtime's roots. */
  ca?: string;
}

export interface PinnedAnswer {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/** Any failure of the exchange; `cause` is the socket's, the parser's or the signal's error. */
export class PinnedError extends Error {
  constructor(override readonly cause: unknown) {
    super('pinned GET failed');
  }
}

const port = (url: URL) => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);

/** A TCP connection to the first address that takes one. */
async function connect(addresses: readonly string[], at: number, signal: AbortSignal): Promise<net.Socket> {
  let last: unknown;
  for (const address of addresses) {
    if (signal.aborted) throw signal.reason;
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect({ host: address, port: at });
        const abort = () => (socket.destroy(), reject(signal.reason));
        signal.addEventListener('abort', abort, { once: true });
        const failed = (e: Error) => (signal.removeEventListener('abort', abort), socket.destroy(), reject(e));
        socket.once('error', failed);
        socket.once('connect', () => {
          signal.removeEventListener('abort', abort);
          // Never an unhandled error event: the exchange below listens on its own.
          socket.off('error', failed).on('error', () => {});
          resolve(socket);
        });
      });
    } catch (e) {
      if (signal.aborted) throw e;
      last = e;
    }
  }
  throw last;
}

export async function pinnedGet(req: PinnedGet): Promise<PinnedAnswer> {
  const { url, signal } = req;
  let raw: net.Socket;
  try {
    raw = await connect(req.addresses, port(url), signal);
  } catch (e) {
    throw new PinnedError(e);
  }
  const name = hostKey(url);
  // SNI carries names only (RFC 6066); for an address literal the certificate is checked against the address.
  const socket: net.Socket = url.protocol === 'https:'
    ? tls.connect({ socket: raw, servername: ipBytes(name) ? undefined : name, host: name, ca: req.ca, ALPNProtocols: ['http/1.1'] })
    : raw;
  const bytes = requestBytes('GET', url.pathname + url.search, url.host, req.headers, undefined);
  const parser = new ResponseParser(false, req.maxBytes);
  return await new Promise<PinnedAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, answer?: PinnedAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      socket.destroy();
      raw.destroy();
      if (answer) resolve(answer);
      else reject(new PinnedError(error));
    };
    const done = () => {
      try {
        const body = decodeContent(parser.result(), parser.headers.get('content-encoding'), req.maxBytes, parser.status);
        settle(undefined, { status: parser.status, headers: parser.headers, body });
      } catch (e) {
        settle(e);
      }
    };
    const abort = () => settle(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    socket.on('data', (chunk: Uint8Array) => {
      if (settled) return;
      try {
        parser.feed(chunk);
      } catch (e) {
        return settle(e);
      }
      if (parser.done) done();
    });
    socket.on('end', () => {
      if (settled) return;
      try {
        parser.end();
      } catch (e) {
        return settle(e);
      }
      done();
    });
    socket.on('error', (e) => settle(e));
    socket.on('close', () => settle(new Error('connection closed')));
    if (socket !== raw) raw.on('error', (e) => settle(e));
    if (raw.destroyed) return settle(new Error('connection closed'));
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}
