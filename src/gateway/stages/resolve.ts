import { GatewayError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import type { Stage } from '../types.ts';

/** Finds the compiled operation by exact name (the original matched with SQL LIKE; Mantra does not). */
export function resolve(registry: Registry): Stage {
  return async function resolve(ctx, next) {
    await registry.ready();
    const { agency, service, operation } = ctx.req;
    const op = registry.operation(agency, service, operation);
    if (!op) throw new GatewayError('not_registered');
    if (!op.op.enabled) throw new GatewayError('disabled');
    ctx.op = op;
    await next();
  };
}
