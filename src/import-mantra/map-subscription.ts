import type { Secrets } from '../security/secrets.ts';
import { type Draft, draft, itemKey } from './common.ts';
import type { OrderRow } from './read.ts';

/**
 * An order becomes a subscription that keeps its AccessKey (stored only as its keyed hash and a 4-character hint),
 * so the caller holding it keeps working: on → approved, off → revoked.
 */
export function mapOrder(
  row: OrderRow,
  consumer: string | undefined,
  operation: { agency: string; service: string; slug: string } | undefined,
  secrets: Secrets,
): Draft {
  const d = draft('subscription', `mantra-order-${row.id}`, `orders#${row.id}`);
  const key = row.accesskey.trim();
  const status = row.orderstatus.trim().toLowerCase();
  if (key === '') d.problems.push('the order has no AccessKey');
  if (status !== 'on' && status !== 'off') d.problems.push(`unknown orderstatus "${row.orderstatus}" (MANTRA knows on, off)`);
  if (consumer === undefined) d.problems.push(`its user "${row.userlog}" has no consumer (user missing or not imported)`);
  if (operation === undefined) d.problems.push(`its method #${row.methodid} was not imported`);
  if (d.problems.length) return d;
  d.needs.push(itemKey('consumer', consumer!), itemKey('operation', `${operation!.agency}/${operation!.service}/${operation!.slug}`));
  d.body = {
    id: d.id,
    consumer,
    agency: operation!.agency,
    service: operation!.service,
    operation: operation!.slug,
    status: status === 'on' ? 'approved' : 'revoked',
    keyHash: secrets.hashKey(key),
    keyHint: key.slice(0, 4),
  };
  return d;
}
