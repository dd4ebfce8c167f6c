import { GatewayError } from '../gateway/errors.ts';
import type { ParamValues } from '../gateway/operation.ts';
import { reasonOf } from './plan.ts';
import type { PlanStep } from './types.ts';

/** What a value that is not one scalar was, for the message (in neither language: `array(2)`, `object`). */
function kindOf(v: unknown): string {
  return Array.isArray(v) ? `array(${v.length})` : typeof v;
}

/**
 * A step's parameters as a caller would send them: each expression evaluated over `{params, steps}`, where `steps`
 * holds only the steps it waits for (so what it reads never depends on which other step happened to finish
 * first). Nothing (undefined, null) leaves the parameter out, for its default or the "required" error; a scalar is
 * its text; a list or a record is an unexpected shape, named.
 */
export async function stepInput(step: PlanStep, params: ParamValues, done: ReadonlyMap<string, unknown>): Promise<Record<string, string>> {
  const input: Record<string, string> = {};
  if (step.params.length === 0) return input;
  const steps: Record<string, unknown> = {};
  for (const name of step.sees) if (done.has(name)) steps[name] = done.get(name);
  const scope = { params, steps };
  for (const { name, expression } of step.params) {
    let v: unknown;
    try {
      v = await expression.evaluate(scope);
    } catch (err) {
      throw new GatewayError('step_expression', { param: name, reason: reasonOf(err) });
    }
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') input[name] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') input[name] = String(v);
    else throw new GatewayError('step_value', { param: name, got: kindOf(v) });
  }
  return input;
}
