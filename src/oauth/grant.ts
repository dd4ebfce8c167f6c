import type { Credentials } from '../gateway/credentials.ts';
import type { Subscription } from '../model/subscription.ts';
import type { Secrets } from '../security/index.ts';
import type { Grant } from '../security/tokens.ts';

/** RFC 6749 §5.2 errors of the token endpoint, with their status and the description a person reads. */
export const oauthErrors = {
  invalid_request: { status: 400, id: 'Permintaan token tidak lengkap atau tidak valid', en: 'The token request is incomplete or malformed' },
  invalid_client: { status: 401, id: 'Klien tidak dikenal atau rahasia klien salah', en: 'Unknown client or wrong client secret' },
  unsupported_grant_type: { status: 400, id: 'Hanya grant_type=client_credentials yang dilayani', en: 'Only grant_type=client_credentials is supported' },
  invalid_scope: {
    status: 400,
    id: 'Cakupan (scope) memuat operasi yang tidak dilanggan klien, atau klien belum memiliki langganan aktif',
    en: 'The scope names an operation the client has no active subscription to, or the client has none',
  },
} as const;
export type OAuthError = keyof typeof oauthErrors;

export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  /** Operation ids (`agency/service/operation`), space-separated as OAuth scopes are. */
  scope?: string;
}

const opIdOf = (s: Subscription) => `${s.agency}/${s.service}/${s.operation}`;
const usable = (s: Subscription, now: number) => s.status === 'approved' && !(s.expiresAt && Date.parse(s.expiresAt) <= now);

/**
 * Who may have a token, for what: the client is a consumer (`agency/slug`) and its secret is the consumer's
 * application key (every active subscription of the consumer) or one of its subscription keys (the active
 * subscriptions of that key). An unknown client, a wrong secret and a key of no active subscription are one and the
 * same answer. A scope narrows the token to the operations it names, all of which must be reachable.
 */
export function grantOf(credentials: Credentials, secrets: Secrets, req: TokenRequest, now = Date.now()):
  { grant: Grant; scope: string[] } | { error: OAuthError } {
  const keyHash = secrets.hashKey(req.clientSecret);
  const consumer = credentials.consumer(req.clientId);
  if (!consumer) return { error: 'invalid_client' };
  const viaApp = consumer.keyHash === keyHash;
  const subs = viaApp
    ? [...credentials.subscriptionsOf(req.clientId)].filter((s) => usable(s, now))
    : credentials.subscriptionsOfKey(keyHash).filter((s) => s.consumer === req.clientId && usable(s, now));
  if (!viaApp && subs.length === 0) return { error: 'invalid_client' };
  const reachable = [...new Set(subs.map(opIdOf))];
  const asked = [...new Set((req.scope ?? '').split(' ').filter(Boolean))];
  if (reachable.length === 0 || asked.some((op) => !reachable.includes(op))) return { error: 'invalid_scope' };
  const scope = asked.length > 0 ? asked : reachable;
  // An application key's token without a scope reaches what the consumer's subscriptions reach when it is used.
  const operations = asked.length > 0 || !viaApp ? scope : undefined;
  return { grant: { consumer: req.clientId, via: viaApp ? 'app' : 'subscription', keyHash, operations }, scope };
}
