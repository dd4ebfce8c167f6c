import type { Operation } from '../model/operation.ts';

/**
 * The fields each record of an operation's answer has, where its configuration tells (a table form's columns,
 * the shape's field list, a verdict, a composite's step names); undefined where only a call would tell (SQL
 * statements, proxy replies, JSONata). Save-time checks only: field rules may still hide some at run time.
 */
export function knownFields(op: Operation): string[] | undefined {
  if (op.verify) return ['match', 'result'];
  if (op.shape?.jsonata) return undefined;
  if (op.shape?.fields?.length) return op.shape.fields.map((f) => f.as ?? f.from);
  if (op.data?.form === 'table' && op.data.action !== 'select') return ['affected_rows'];
  if (op.data?.form === 'table' && op.data.columns.length && !op.data.columns.some((c) => c.includes('.'))) return op.data.columns;
  if (op.composite && !op.composite.expression) return op.composite.steps.map((s) => s.name);
  return undefined;
}
