import { GatewayError } from '../errors.ts';
import type { Registry } from '../registry.ts';
import type { Check } from '../types.ts';

/**
 * Finds the compiled operation by exact name (the original matched with SQL LIKE; Mantra does not).
 * The caller interfaces wait for registry.ready() before the call starts.
 */
export function resolve(registry: Registry): Check {
  return function resolve(ctx) {
    const { agency, service, operation } = ctx.req;
    const op = registry.operation(agency, service, operation);
    if (!op) throw new GatewayError('not_registered');
    if (!op.op.enabled) throw new GatewayError('disabled');
    ctx.op = op;
  };
}
