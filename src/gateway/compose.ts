import type { CallContext, Stage } from './types.ts';

/** Runs stages koa-style: each gets the context and a `next` that runs the rest of the stack. */
export function compose(stages: Stage[]): (ctx: CallContext) => Promise<void> {
  return function run(ctx) {
    const dispatch = (i: number): Promise<void> => {
      const stage = stages[i];
      return stage ? stage(ctx, () => dispatch(i + 1)) : Promise.resolve();
    };
    return dispatch(0);
  };
}
