import type { Row } from '../../formats/types.ts';
import { GatewayError } from '../errors.ts';
import type { Stage } from '../types.ts';
import { log } from '../../observability/log.ts';
import { rowShaper } from '../field-rules.ts';

const isRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Shapes whole values (proxy replies; data results when a JSONata expression needs them whole): fields, labels and
 * the subscription's hidden and masked fields per record, then the operation's JSONata expression.
 * Streamed data results were already shaped row by row in the worker.
 */
export function shape(): Stage {
  return async function shape(ctx, next) {
    const result = ctx.result;
    if (result?.kind !== 'value') return next();
    const { op, jsonata } = ctx.op!;
    if (op.kind !== 'data') {
      const perRecord = rowShaper(ctx.op!, ctx.subscription);
      if (perRecord) {
        const data = result.data;
        result.data = Array.isArray(data) ? data.map((r) => (isRecord(r) ? perRecord(r) : r)) : isRecord(data) ? perRecord(data) : data;
      }
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
    }
    await next();
  };
}
