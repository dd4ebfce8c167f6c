import jsonata from 'jsonata';
import type { Operation } from '../model/operation.ts';
import { onFailureOf } from '../model/operation-composite.ts';
import type { CompositeIssue } from './messages.ts';
import type { Plan, PlanStep } from './types.ts';

/** As the operations' own expressions (gateway/compile.ts): bounded in time and depth. */
export const JSONATA_OPTIONS = { timeout: 1000, stack: 200 } as jsonata.JsonataOptions;

/** A composite that cannot be planned; every problem is named, with its path. */
export class PlanError extends Error {
  constructor(readonly issues: CompositeIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.key} ${JSON.stringify(i.vars)}`).join('; '));
  }
}

/** JSONata's own account of a compile error: its message, code and position. */
export function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; position?: number };
  return `${e.message ?? String(err)}${e.code ? ` (${e.code}${e.position !== undefined ? `, ${e.position}` : ''})` : ''}`;
}

/**
 * A composite's steps in an order that runs every step after those it needs, their expressions compiled: done once
 * per configuration. Refuses duplicate names, unknown or circular needs and expressions that do not compile.
 */
export function compilePlan(op: Operation): Plan {
  const spec = op.composite!;
  const issues: CompositeIssue[] = [];
  const at = new Map<string, number>();
  spec.steps.forEach((s, i) => {
    if (at.has(s.name)) issues.push({ path: `composite.steps.${i}.name`, key: 'composite_step_duplicate', vars: { step: s.name } });
    else at.set(s.name, i);
  });
  const steps: PlanStep[] = spec.steps.map((s, index) => ({
    index,
    name: s.name,
    id: `${s.agency}/${s.service}/${s.operation}`,
    agency: s.agency,
    service: s.service,
    operation: s.operation,
    params: Object.entries(s.params).flatMap(([name, source]) => {
      try {
        return [{ name, expression: jsonata(source, JSONATA_OPTIONS) }];
      } catch (err) {
        issues.push({ path: `composite.steps.${index}.params.${name}`, key: 'composite_expression', vars: { step: s.name, param: name, reason: reasonOf(err) } });
        return [];
      }
    }),
    needs: s.needs.flatMap((need, j) => {
      const i = at.get(need);
      if (i === undefined) issues.push({ path: `composite.steps.${index}.needs.${j}`, key: 'composite_needs_unknown', vars: { step: s.name, need } });
      return i === undefined ? [] : [i];
    }),
    sees: [],
    timeoutMs: s.timeoutMs,
    onFailure: onFailureOf(s),
  }));
  const order = topological(steps, issues);
  let expression: jsonata.Expression | undefined;
  if (spec.expression !== undefined) {
    try {
      expression = jsonata(spec.expression, JSONATA_OPTIONS);
    } catch (err) {
      issues.push({ path: 'composite.expression', key: 'composite_result_expression', vars: { reason: reasonOf(err) } });
    }
  }
  if (issues.length) throw new PlanError(issues);
  for (const step of order) step.sees = [...new Set(step.needs.flatMap((i) => [...steps[i].sees, steps[i].name]))];
  return { id: `${op.agency}/${op.service}/${op.slug}`, names: spec.steps.map((s) => s.name), steps: order, expression, timeoutMs: spec.timeoutMs };
}

/** Kahn's order; the steps left over wait for each other, and each of them is named. */
function topological(steps: PlanStep[], issues: CompositeIssue[]): PlanStep[] {
  const waiting = steps.map((s) => new Set(s.needs).size);
  const ready = steps.filter((_, i) => waiting[i] === 0);
  const order: PlanStep[] = [];
  while (ready.length) {
    const step = ready.shift()!;
    order.push(step);
    for (const other of steps) {
      if (other.needs.includes(step.index) && --waiting[other.index] === 0) ready.push(other);
    }
  }
  const left = steps.filter((s) => !order.includes(s));
  const cycle = left.map((s) => s.name).join(' → ');
  for (const s of left) issues.push({ path: `composite.steps.${s.index}.needs`, key: 'composite_needs_cycle', vars: { step: s.name, cycle } });
  return order;
}
