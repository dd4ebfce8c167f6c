import type { RowShape } from '../../connectors/types.ts';
import { mask } from '../../connectors/job/shape.ts';
import type { Subscription } from '../model/subscription.ts';
import { GatewayError } from './errors.ts';

/** True when the subscription hides or masks output fields. */
export const hasFieldRules = (sub: Subscription | undefined): sub is Subscription =>
  sub !== undefined && (sub.hideFields.length > 0 || sub.maskFields.length > 0);

/** Data rows (flat, shaped in the worker): the operation's shape with the subscription's hidden and masked fields. */
export function withFieldRules(shape: RowShape | undefined, sub: Subscription | undefined): RowShape | undefined {
  return hasFieldRules(sub) ? { ...shape, hide: sub.hideFields, mask: sub.maskFields } : shape;
}

/** Deeper than any reply worth answering; a value the rules cannot walk whole is refused, never passed on. */
const MAX_DEPTH = 64;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function tooDeep(): never {
  throw new GatewayError('query_failed');
}

/** Every scalar inside a masked field is masked: a masked `alamat` object shows no street either. */
function maskAll(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) tooDeep();
  if (Array.isArray(v)) return v.map((x) => maskAll(x, depth + 1));
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k in v) out[k] = maskAll(v[k], depth + 1);
    return out;
  }
  if (v === undefined || v === null) return v;
  return mask(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v));
}

function compileRules(hideFields: readonly string[], maskFields: readonly string[]): (value: unknown) => unknown {
  const hidden = new Set(hideFields);
  const masked = new Set(maskFields);
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) tooDeep();
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (!isRecord(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k in v) {
      if (hidden.has(k)) continue;
      out[k] = masked.has(k) ? maskAll(v[k], depth + 1) : walk(v[k], depth + 1);
    }
    return out;
  };
  return (value) => walk(value, 0);
}

/** Per subscription object: replaced when the subscription changes, so never stale. */
const compiled = new WeakMap<Subscription, (value: unknown) => unknown>();

/**
 * The subscription's field rules over a whole value (proxy replies, composite answers, rows read whole): a hidden
 * field is left out and a masked one masked wherever it stands, in records, lists of records and records nested
 * in them (a backend Mantra's `{"penduduk_by_nik": [{…}]}` as much as a flat record). Undefined without rules.
 */
export function fieldRules(sub: Subscription | undefined): ((value: unknown) => unknown) | undefined {
  if (!hasFieldRules(sub)) return undefined;
  let rules = compiled.get(sub);
  if (!rules) compiled.set(sub, (rules = compileRules(sub.hideFields, sub.maskFields)));
  return rules;
}
