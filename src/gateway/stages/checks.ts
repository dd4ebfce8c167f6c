import type { Check, Stage } from '../types.ts';

/** Runs synchronous checks in order as one stage: a gate costs no promise of its own per check. */
export function checks(list: Check[]): Stage {
  return function checks(ctx, next) {
    for (const check of list) check(ctx);
    return next();
  };
}
