import { GatewayError } from '../gateway/errors.ts';
import type { Caller } from '../gateway/operation.ts';
import type { GatewayRequest, Stage } from '../gateway/types.ts';

/** A composite step's call as the step stages see it: a gateway request made inside Mantra, with no HTTP behind it. */
export interface StepRequest extends GatewayRequest {
  /** The step's own signal (given up, or the composite gave up), read lazily as the invokers do. */
  stepSignal: () => AbortSignal;
  caller: Caller;
}

/**
 * The invoke stage of a composite step: the operation's answer whole, as values (rows of a data operation read
 * whole, Output mode `rows`), within the step's deadline. Field rules go with it as they go with any call.
 */
export function stepInvoke(): Stage {
  return async function stepInvoke(ctx, next) {
    const req = ctx.req as StepRequest;
    const result = await ctx.op!.invoke(ctx.values!, {
      signal: req.stepSignal,
      deadline: req.deadline,
      output: { format: 'json', envelope: 'v1', page: req.page, subscription: ctx.subscription, mode: 'rows' },
      requestId: req.requestId,
      caller: req.caller,
    });
    if (result.kind === 'stream') {
      // No invoker streams when asked for rows; should one ever, its stream is ended rather than left open.
      void result.rest.return?.();
      throw new GatewayError('internal');
    }
    ctx.result = result;
    ctx.rows = result.rowCount ?? result.rows?.length;
    await next();
  };
}
