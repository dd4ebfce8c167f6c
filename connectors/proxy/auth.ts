/** Backend credentials as request headers, resolved once per invoker. */
import type { ProxyAuth } from '../../src/model/operation-proxy.ts';
import { base64, createTokenSource } from './oauth2.ts';
import type { Transport } from './transport.ts';
import type { Signal } from '../cancel.ts';

/** No credentials: the request goes out unchanged (no copy per call). */
export const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export interface Credentials {
  /** Set when the headers never change: callers skip the await per call. */
  fixed?: Record<string, string>;
  headers(signal?: Signal): Promise<Record<string, string>>;
  /** Called when the backend answered 401: true when a fresh credential is worth one more try. */
  refused(): boolean;
}

export function createCredentials(auth: ProxyAuth, transport: Transport, now: () => number): Credentials {
  const fixed = (headers: Record<string, string>): Credentials => ({
    fixed: headers,
    headers: () => Promise.resolve(headers),
    refused: () => false,
  });
  switch (auth.type) {
    case 'none':
      return fixed(NO_HEADERS);
    case 'mantra':
      // The original sent AccessKey only when it had one; User-Agent always.
      return fixed({ ...(auth.accessKey ? { AccessKey: auth.accessKey } : {}), 'User-Agent': 'MANTRA' });
    case 'basic':
      return fixed({ Authorization: `Basic ${base64(`${auth.username}:${auth.password}`)}` });
    case 'bearer':
      return fixed({ Authorization: `Bearer ${auth.token}` });
    case 'apikey':
      return fixed({ [auth.header]: auth.key });
    case 'oauth2': {
      const source = createTokenSource(auth, transport, now);
      return {
        headers: async (signal) => ({ Authorization: `Bearer ${await source.token(signal)}` }),
        refused() {
          source.invalidate();
          return true;
        },
      };
    }
  }
}

/** Header values from configuration that fetch() would refuse. */
export function badHeaderValue(auth: ProxyAuth): boolean {
  const values = auth.type === 'mantra' ? [auth.accessKey]
    : auth.type === 'bearer' ? [auth.token]
    : auth.type === 'apikey' ? [auth.key, auth.header]
    : [];
  return values.some((v) => /[\r\n\0]/.test(v));
}
