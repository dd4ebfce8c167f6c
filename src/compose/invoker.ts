import type { Invoker } from '../gateway/operation.ts';
import { stepsHeader } from './report.ts';
import { runComposite } from './run.ts';
import type { Plan, StepDeps } from './types.ts';

/**
 * A composite operation as the operation contract wants it: the fan-out over its steps (run.ts), answering the
 * merged value with every step's report in `meta.steps` (and `meta.complete`), and in the X-Mantra-Steps header.
 */
export function compositeInvoker(plan: Plan, deps: StepDeps): Invoker {
  return async function invokeComposite(values, opts) {
    const answer = await runComposite(plan, values, opts, deps);
    if (answer.failure) throw answer.failure;
    return {
      kind: 'value',
      data: answer.data,
      meta: { steps: answer.reports, complete: answer.complete },
      headers: { 'x-mantra-steps': stepsHeader(answer.reports) },
    };
  };
}
