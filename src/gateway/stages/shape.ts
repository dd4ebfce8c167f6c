import type { Row } from '../../formats/types.ts';
import { GatewayError } from '../errors.ts';
import type { Stage, ValueResult } from '../types.ts';
import { log } from '../../observability/log.ts';
import { fieldRules } from '../field-rules.ts';

const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The operation's own fields and labels, per top-level record: a record, or each record of a list. */
function perRecord(data: unknown, shapeRow: (row: Row) => Row): unknown {
  return Array.isArray(data) ? data.map((r) => (isRecord(r) ? shapeRow(r) : r)) : isRecord(data) ? shapeRow(data) : data;
}

function applyRules(result: ValueResult, rules: (value: unknown) => unknown) {
  if (result.rows) result.rows = rules(result.rows) as Row[];
  if (result.data !== undefined) result.data = rules(result.data);
}

/**
 * Shapes whole values (proxy and composite answers; data results when a JSONata expression needs them whole): the
 * operation's fields and labels per record, the subscription's hidden and masked fields at every depth, then the
 * operation's JSONata expression, whose output the field rules check once more (it may name a hidden field anew).
 * Streamed data results, and data rows read whole, were shaped row by row in the worker.
 */
export function shape(): Stage {
  return async function shape(ctx, next) {
    const result = ctx.result;
    if (result?.kind !== 'value') return next();
    const { op, jsonata, shapeRow } = ctx.op!;
    const rules = fieldRules(ctx.subscription);
    if (op.kind !== 'data') {
      if (shapeRow) result.data = perRecord(result.data, shapeRow);
      if (rules) applyRules(result, rules);
    }
    if (jsonata) {
      try {
        const out = await jsonata.evaluate(result.rows ?? result.data);
        result.rows = Array.isArray(out) && out.every(isRecord) ? out : undefined;
        result.data = result.rows ? undefined : out ?? null;
      } catch (err) {
        log('warn', 'jsonata failed', { operation: ctx.op!.id, error: String((err as Error).message ?? err) });
        throw new GatewayError('query_failed');
      }
      if (rules) applyRules(result, rules);
    }
    await next();
  };
}
