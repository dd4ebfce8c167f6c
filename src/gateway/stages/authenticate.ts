import type { Secrets } from '../../security/index.ts';
import { type AccessTokens, looksLikeToken, TokenRefusal, type TokenClaims } from '../../security/tokens.ts';
import { GatewayError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import type { CallContext, Check } from '../types.ts';

const refusals = { invalid: 'token_invalid', expired: 'token_expired' } as const;

function refused(err: unknown): never {
  throw err instanceof TokenRefusal ? new GatewayError(refusals[err.reason]) : err;
}

/**
 * Finds the subscription the caller's credential holds for this operation: a subscription key, the consumer's
 * application key (one key for all its subscriptions), or an OAuth2 access token. Keys are compared only by their
 * keyed hash; a plain key costs one map lookup, an application key two more. A wrong key and the key of another
 * operation get the same answer.
 */
export function authenticate(registry: Registry, secrets: Secrets, tokens: AccessTokens): Check {
  /** A verified token against the configuration as it is now: its consumer, its key and its subscription must still be there. */
  function byToken(ctx: CallContext, claims: TokenClaims): void {
    const opId = ctx.op!.id;
    const credentials = registry.credentials;
    const consumer = credentials.consumer(claims.consumer);
    if (!consumer) throw new GatewayError('token_revoked');
    if (claims.operations && !claims.operations.has(opId)) throw new GatewayError('no_subscription');
    const sub = credentials.subscriptionOf(claims.consumer, opId);
    // The key the token was obtained with must still be the consumer's (or the subscription's): a new key ends it.
    const bound = claims.via === 'app' ? consumer.keyHash : sub?.keyHash;
    if (claims.via === 'app' || sub) {
      if (!bound || credentials.printOf(bound) !== claims.keyPrint) throw new GatewayError('token_revoked');
    }
    if (!sub) throw new GatewayError('no_subscription');
    ctx.subscription = sub;
  }

  return function authenticate(ctx) {
    const key = ctx.req.key ?? '';
    if (looksLikeToken(key)) {
      let claims: TokenClaims | undefined;
      try {
        claims = tokens.known(key);
      } catch (err) {
        refused(err);
      }
      if (claims) return byToken(ctx, claims);
      return tokens.verify(key).then((verified) => byToken(ctx, verified), refused);
    }
    const hash = secrets.hashKey(key);
    const opId = ctx.op!.id;
    let sub = registry.subscription(hash, opId);
    if (!sub) {
      const consumer = registry.credentials.consumerOfKey(hash);
      if (consumer) sub = registry.credentials.subscriptionOf(consumer, opId);
    }
    if (!sub) throw new GatewayError('no_subscription');
    ctx.subscription = sub;
  };
}
