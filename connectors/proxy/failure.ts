/** Caller-safe ProxyErrors for a failed exchange, shared by the fetch() path and the HTTP/1.1 client. */
import { ProxyError, proxyCodes, timedOut } from './errors.ts';
import type { Signal } from '../cancel.ts';

export function cancelled(signal: Signal): ProxyError {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError'
    ? timedOut('The call was given up: its time ran out')
    : new ProxyError(proxyCodes.timeout, 'cancelled', 'The call was cancelled');
}

/** A caller-safe description of a network failure (runtime messages may carry host names). */
export function describeNetworkError(e: unknown): string {
  let text = '';
  // Runtimes wrap the cause (Deno: "client error (Connect)" caused by "invalid peer certificate …").
  for (let err = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0; err && i < 4; i++) {
    text += ` ${String(err.code ?? '')} ${String(err.message ?? '')}`;
    err = err.cause as typeof err;
  }
  if (/cert|tls|ssl|handshake|x509|self.signed|issuer/i.test(text)) return 'TLS handshake with the backend failed';
  if (/refused/i.test(text)) return 'The backend refused the connection';
  if (/resolve|dns|getaddrinfo|ENOTFOUND|lookup/i.test(text)) return "The backend's host name could not be resolved";
  if (/reset|closed|socket|EOF|broken/i.test(text)) return 'The connection to the backend broke';
  return 'The backend could not be reached';
}
