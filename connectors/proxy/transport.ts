/**
 * One HTTP exchange with a backend: a headers deadline ("connect") and a whole-call deadline, no redirects
 * followed (a redirect could lead past the host allowlist), and the body read up to a byte limit. Failures become
 * ProxyErrors whose messages name no host.
 * Plain http:// goes through the keep-alive HTTP/1.1 client (http1/), much cheaper per call; https:// (with the
 * backend's TLS material) and URLs that client leaves alone go through fetch().
 */
import { tlsFetchOptions, type TlsMaterial } from '../../src/runtime/fetch-tls.ts';
import { ProxyError, timedOut, tooLarge, unavailable } from './errors.ts';
import { cancelled, describeNetworkError } from './failure.ts';
import { Http1Client } from './http1/client.ts';
import { route, type Route } from './http1/target.ts';
import type { BackendRequest, ProxyDeps, RawResponse, SendOptions, Transport } from './types.ts';

export type { SendOptions, Transport } from './types.ts';
import { abortSignalOf, type Signal } from '../cancel.ts';

export function createTransport(tls: TlsMaterial, log?: ProxyDeps['log']): Transport {
  const tlsOptions = tlsFetchOptions(tls);
  const http1 = new Http1Client(log);
  // An operation without caller values in its URL asks for the same URL every time: split once.
  let lastUrl: string | undefined;
  let lastRoute: Route | undefined;
  return {
    send(req, opts) {
      if (req.url !== lastUrl) {
        lastRoute = route(req.url);
        lastUrl = req.url;
      }
      return lastRoute ? http1.send(lastRoute, req, opts) : send(req, opts, tlsOptions.init, log);
    },
    close() {
      http1.close();
      tlsOptions.close();
    },
  };
}

async function send(
  req: BackendRequest,
  opts: SendOptions,
  tlsInit: Record<string, unknown>,
  log: ProxyDeps['log'],
): Promise<RawResponse> {
  if (opts.signal?.aborted) throw cancelled(opts.signal);
  const remaining = opts.deadline - Date.now();
  if (remaining <= 0) throw timedOut('The backend did not answer in time');
  const total = new AbortController();
  const headers = new AbortController();
  const totalTimer = setTimeout(() => total.abort(), remaining);
  const headersMs = Math.min(opts.headersTimeoutMs, remaining);
  const headersTimer = setTimeout(() => headers.abort(), headersMs);
  const signals = [total.signal, headers.signal];
  // fetch() needs a real AbortSignal: the caller's cancel switch is followed by one.
  const caller = opts.signal && abortSignalOf(opts.signal);
  if (caller) signals.push(caller.signal);
  const signal = AbortSignal.any(signals);
  const why = (e: unknown): ProxyError => {
    if (opts.signal?.aborted) return cancelled(opts.signal);
    if (headers.signal.aborted) return timedOut(`The backend sent no answer within ${headersMs} ms`);
    if (total.signal.aborted) return timedOut('The backend did not answer in time');
    if (e instanceof ProxyError) return e;
    // Only the origin: paths and queries carry caller values (personal data).
    log?.('warn', 'backend request failed', { method: req.method, origin: new URL(req.url).origin, error: String(e) });
    return unavailable(describeNetworkError(e));
  };
  try {
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'manual', ...tlsInit });
    } catch (e) {
      throw why(e);
    }
    clearTimeout(headersTimer);
    try {
      const body = await readLimited(res, opts.maxBytes, signal);
      return { status: res.status, headers: res.headers, body };
    } catch (e) {
      throw why(e);
    }
  } finally {
    clearTimeout(headersTimer);
    clearTimeout(totalTimer);
    caller?.release();
  }
}

/** Reads the body, stopping (and cancelling the stream) as soon as it passes maxBytes. */
async function readLimited(res: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const overLimit = () => tooLarge('reply is', maxBytes, res.status);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw overLimit();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A read that never settles must still end when the signal fires.
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw overLimit();
      chunks.push(value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
