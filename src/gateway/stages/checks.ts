import type { CallContext, Check, Stage } from '../types.ts';

/**
 * Runs checks in order as one stage: a gate costs no promise of its own per check. A check that has to wait
 * returns a promise; the rest then run after it.
 */
export function checks(list: Check[]): Stage {
  async function after(ctx: CallContext, pending: Promise<void>, from: number, next: () => Promise<void>) {
    await pending;
    for (let i = from; i < list.length; i++) await list[i](ctx);
    return next();
  }
  return function checks(ctx, next) {
    for (let i = 0; i < list.length; i++) {
      const pending = list[i](ctx);
      if (pending) return after(ctx, pending, i + 1, next);
    }
    return next();
  };
}
