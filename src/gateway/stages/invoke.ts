import { GatewayError } from '../errors.ts';
import type { Stage } from '../types.ts';

/** Calls the operation's invoker, whatever its kind (operation.ts); an empty result is an error where the interface says so. */
export function invoke(): Stage {
  return async function invoke(ctx, next) {
    const { req } = ctx;
    const result = await ctx.op!.invoke(ctx.values!, {
      signal: () => req.signal,
      deadline: req.deadline,
      output: { format: req.format, envelope: req.envelope, page: req.page, subscription: ctx.subscription },
      requestId: req.requestId,
      caller: req,
    });
    if (req.refuseEmpty && result.kind === 'value' && result.rows?.length === 0) {
      throw new GatewayError('empty_result', { agency: req.agency, service: req.service, operation: req.operation });
    }
    ctx.result = result;
    ctx.rows = result.rowCount;
    await next();
  };
}
