/** TLS material for one backend, as PEM text. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Extra fetch() options carrying a backend's TLS material; close() frees what they hold. */
export interface TlsFetchOptions {
  init: Record<string, unknown>;
  close(): void;
}

declare const Bun: unknown;
declare const Deno: {
  createHttpClient(options: { caCerts: string[]; cert?: string; key?: string }): { close(): void };
};

/**
 * Build once per backend configuration, spread `init` into every fetch() to that backend.
 * Bun takes `tls: {ca, cert, key}` on fetch (its CA list replaces the default roots);
 * Deno takes a client from Deno.createHttpClient (its caCerts are added to the default roots).
 */
export function tlsFetchOptions(tls: TlsMaterial): TlsFetchOptions {
  const { ca, cert, key } = tls;
  if (!ca && !cert && !key) return { init: {}, close() {} };
  if (typeof Bun !== 'undefined') {
    return { init: { tls: { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) } }, close() {} };
  }
  const client = Deno.createHttpClient({ caCerts: ca ? [ca] : [], ...(cert && key ? { cert, key } : {}) });
  return { init: { client }, close: () => client.close() };
}
