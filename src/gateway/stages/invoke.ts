import type { ConnectorPool } from '../../../connectors/pool.ts';
import { log } from '../../observability/log.ts';
import { GatewayError } from '../errors.ts';
import type { CallContext, Stage } from '../types.ts';
import { invokeData } from '../invoke/data.ts';
import { invokeProxy } from '../invoke/proxy.ts';

/** Runs the operation by its kind. A misconfigured operation answers a clean error, its problem goes to the log. */
export function invoke(pool: ConnectorPool): Stage {
  const byKind: Record<string, ((ctx: CallContext) => Promise<void>) | undefined> = {
    data: invokeData(pool),
    proxy: invokeProxy,
  };
  return async function invoke(ctx, next) {
    const compiled = ctx.op!;
    if (compiled.problem) {
      log('error', 'operation misconfigured', { operation: compiled.id, problem: compiled.problem });
      throw new GatewayError('query_failed');
    }
    const run = byKind[compiled.op.kind];
    if (!run) throw new GatewayError('not_supported');
    await run(ctx);
    await next();
  };
}
