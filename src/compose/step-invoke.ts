import { GatewayError } from '../gateway/errors.ts';
import type { Caller, InvokeResult, Output } from '../gateway/operation.ts';
import type { GatewayRequest, Stage, ValueResult } from '../gateway/types.ts';
import type { Subscription } from '../model/subscription.ts';

/** A composite step's call as the step stages see it: a gateway request made inside Mantra, with no HTTP behind it. */
export interface StepRequest extends GatewayRequest {
  /** The step's own signal (given up, or the composite gave up), read lazily as the invokers do. */
  stepSignal: () => AbortSignal;
  caller: Caller;
}

/** What a step asks of its operation's invoker: the answer whole, as values (a data operation's rows read whole). */
export const rowsOutput = (subscription: Subscription | undefined, page?: Output['page']): Output =>
  ({ format: 'json', envelope: 'v1', mode: 'rows', subscription, page });

/** The answer as a whole value. No invoker streams when asked for rows; should one ever, its stream is ended. */
export function wholeValue(result: InvokeResult): ValueResult {
  if (result.kind === 'value') return result;
  void result.rest.return?.();
  throw new GatewayError('internal');
}

/**
 * The invoke stage of a composite step: the operation's answer whole, as values, within the step's deadline.
 * Field rules go with it as they go with any call.
 */
export function stepInvoke(): Stage {
  return async function stepInvoke(ctx, next) {
    const req = ctx.req as StepRequest;
    const result = wholeValue(await ctx.op!.invoke(ctx.values!, {
      signal: req.stepSignal,
      deadline: req.deadline,
      output: rowsOutput(ctx.subscription, req.page),
      requestId: req.requestId,
      caller: req.caller,
    }));
    ctx.result = result;
    ctx.rows = result.rowCount ?? result.rows?.length;
    await next();
  };
}
