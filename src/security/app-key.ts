import type { Consumer } from '../model/consumer.ts';
import type { Subscription } from '../model/subscription.ts';
import { generateAccessKey } from './password.ts';
import type { Secrets } from './secrets.ts';

/**
 * A consumer's application key: one key for all of the consumer's subscriptions, beside each subscription's own
 * key. Stored only as a keyed hash (consumer.keyHash) with a hint; the key itself is shown once.
 */
export function newAppKey(secrets: Secrets): { key: string; keyHash: string; keyHint: string } {
  const key = generateAccessKey();
  return { key, keyHash: secrets.hashKey(key), keyHint: key.slice(0, 4) };
}

/** The index key of a presented key's hash and an operation id (`agency/service/operation`). */
export const appKeyEntry = (keyHash: string, opId: string) => `${keyHash} ${opId}`;

const rank = (s: Subscription) => (s.status === 'approved' ? 1 : 0);

/**
 * For the gateway: application-key hash + operation id → the consumer's subscription to that operation. When a
 * consumer holds several for one operation, the approved one wins; whether it may call is still for authorize
 * (status, expiry, allowlist). Build it when consumers or subscriptions change, look up with appKeyEntry().
 */
export function appKeyIndex(consumers: Iterable<Consumer>, subscriptions: Iterable<Subscription>): Map<string, Subscription> {
  const keyOf = new Map<string, string>();
  for (const c of consumers) if (c.keyHash) keyOf.set(`${c.agency}/${c.slug}`, c.keyHash);
  const index = new Map<string, Subscription>();
  for (const s of subscriptions) {
    const keyHash = keyOf.get(s.consumer);
    if (!keyHash) continue;
    const entry = appKeyEntry(keyHash, `${s.agency}/${s.service}/${s.operation}`);
    const held = index.get(entry);
    if (!held || rank(s) > rank(held)) index.set(entry, s);
  }
  return index;
}
