import type { RowShape } from '../../connectors/types.ts';
import type { Subscription } from '../model/subscription.ts';

/** True when the subscription hides or masks output fields. */
export const hasFieldRules = (sub: Subscription | undefined): sub is Subscription =>
  sub !== undefined && (sub.hideFields.length > 0 || sub.maskFields.length > 0);

/** The operation's shape with the subscription's hidden and masked fields; the shape itself when it has none. */
export function withFieldRules(shape: RowShape | undefined, sub: Subscription | undefined): RowShape | undefined {
  return hasFieldRules(sub) ? { ...shape, hide: sub.hideFields, mask: sub.maskFields } : shape;
}
