import type { Secrets } from '../../security/index.ts';
import { GatewayError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import type { Check } from '../types.ts';

/** The key names a subscription to this operation; keys are compared only by their keyed hash. */
export function authenticate(registry: Registry, secrets: Secrets): Check {
  return function authenticate(ctx) {
    const sub = registry.subscription(secrets.hashKey(ctx.req.key ?? ''), ctx.op!.id);
    if (!sub) throw new GatewayError('no_subscription');
    ctx.subscription = sub;
  };
}
