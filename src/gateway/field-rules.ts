import type { Row, RowShape } from '../../connectors/types.ts';
import { compileShape } from '../../connectors/job/shape.ts';
import type { CompiledOperation } from './operation.ts';
import type { Subscription } from '../model/subscription.ts';

/** True when the subscription hides or masks output fields. */
export const hasFieldRules = (sub: Subscription | undefined): sub is Subscription =>
  sub !== undefined && (sub.hideFields.length > 0 || sub.maskFields.length > 0);

/** The operation's shape with the subscription's hidden and masked fields; the shape itself when it has none. */
export function withFieldRules(shape: RowShape | undefined, sub: Subscription | undefined): RowShape | undefined {
  return hasFieldRules(sub) ? { ...shape, hide: sub.hideFields, mask: sub.maskFields } : shape;
}

type RowShaper = ((row: Row) => Row) | undefined;
/** Per subscription and compiled operation (both replaced when the configuration changes, so never stale). */
const shapers = new WeakMap<Subscription, WeakMap<CompiledOperation, RowShaper>>();

/** The per-record shaper of whole values for this caller: the operation's own, or with the subscription's field rules (compiled once). */
export function rowShaper(op: CompiledOperation, sub: Subscription | undefined): RowShaper {
  if (!hasFieldRules(sub)) return op.shapeRow;
  let byOp = shapers.get(sub);
  if (!byOp) shapers.set(sub, (byOp = new WeakMap()));
  if (!byOp.has(op)) byOp.set(op, compileShape(withFieldRules(op.shape, sub)));
  return byOp.get(op);
}
