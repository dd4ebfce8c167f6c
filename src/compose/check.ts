import jsonata from 'jsonata';
import type { Operation } from '../model/operation.ts';
import { knownFields } from './fields.ts';
import type { CompositeIssue } from './messages.ts';
import { compilePlan, JSONATA_OPTIONS, PlanError } from './plan.ts';
import { refsOf } from './refs.ts';

type Lookup = (id: string) => Promise<Operation | undefined>;

const idOf = (o: { agency: string; service: string; slug?: string; operation?: string }) => `${o.agency}/${o.service}/${o.slug ?? o.operation}`;

/** The way from `from` back to `target` through the steps of nested composites, if there is one. */
async function pathBack(from: string, target: Operation, lookup: Lookup, seen = new Set<string>()): Promise<string[] | undefined> {
  if (from === idOf(target)) return [from];
  if (seen.has(from)) return undefined;
  seen.add(from);
  const op = await lookup(from);
  for (const s of op?.composite?.steps ?? []) {
    const rest = await pathBack(idOf(s), target, lookup, seen);
    if (rest) return [from, ...rest];
  }
  return undefined;
}

/**
 * Everything wrong with a composite before it is saved, each problem naming its step: the plan (duplicate names,
 * unknown or circular needs, expressions that do not compile); per step, an operation that does not exist, a cycle
 * back to this composite through nested ones, the operation's required parameters the step does not give and
 * ones it does not have; what the expressions read: caller parameters the composite does not declare, steps that
 * do not exist or that the step does not wait for, and fields a step's operation is known not to give.
 * `lookup` reads the stored operations; the composite itself is taken as given.
 */
export async function checkComposite(op: Operation, lookup: Lookup): Promise<CompositeIssue[]> {
  const spec = op.composite;
  if (!spec) return [];
  const issues: CompositeIssue[] = [];
  let sees = new Map<string, Set<string>>();
  try {
    sees = new Map(compilePlan(op).steps.map((s) => [s.name, new Set(s.sees)]));
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    issues.push(...err.issues);
  }
  const self = idOf(op);
  const find = (id: string) => (id === self ? Promise.resolve(op) : lookup(id));
  const targets = new Map<string, Operation | undefined>();
  for (const s of spec.steps) targets.set(s.name, await find(idOf(s)));
  const declared = new Set(op.params.map((p) => p.name));

  for (const [i, s] of spec.steps.entries()) {
    const at = `composite.steps.${i}`;
    const id = idOf(s);
    const target = targets.get(s.name);
    if (!target) {
      issues.push({ path: `${at}.operation`, key: 'composite_operation_missing', vars: { step: s.name, id } });
    } else {
      const cycle = await pathBack(id, op, find);
      if (cycle) issues.push({ path: `${at}.operation`, key: 'composite_cycle', vars: { step: s.name, id, cycle: [self, ...cycle].join(' → ') } });
      for (const p of target.params) {
        if (p.required && p.default === undefined && !(p.name in s.params)) {
          issues.push({ path: `${at}.params`, key: 'composite_param_missing', vars: { step: s.name, id, param: p.name } });
        }
      }
      for (const name of Object.keys(s.params)) {
        if (!target.params.some((p) => p.name === name)) issues.push({ path: `${at}.params.${name}`, key: 'composite_param_unknown', vars: { step: s.name, id, param: name } });
      }
    }
    for (const [param, source] of Object.entries(s.params)) {
      let expression: jsonata.Expression;
      try {
        expression = jsonata(source, JSONATA_OPTIONS);
      } catch {
        continue; // reported by the plan
      }
      const path = `${at}.params.${param}`;
      const refs = refsOf(expression);
      for (const name of refs.params) {
        if (!declared.has(name)) issues.push({ path, key: 'composite_caller_param_unknown', vars: { step: s.name, param, name } });
      }
      for (const [ref, fields] of refs.steps) {
        if (!targets.has(ref)) {
          issues.push({ path, key: 'composite_step_ref_unknown', vars: { step: s.name, param, ref } });
          continue;
        }
        if (sees.size && !sees.get(s.name)?.has(ref)) issues.push({ path, key: 'composite_step_ref_not_needed', vars: { step: s.name, param, ref } });
        const refOp = targets.get(ref);
        const known = refOp && knownFields(refOp);
        for (const field of fields) {
          if (known && !known.includes(field)) {
            issues.push({ path, key: 'composite_field_not_provided', vars: { step: s.name, param, ref, field, fields: known.join(', ') } });
          }
        }
      }
    }
  }
  return issues;
}
