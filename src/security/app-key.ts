import { generateAccessKey } from './password.ts';
import type { Secrets } from './secrets.ts';

/**
 * A consumer's application key: one key for all of the consumer's subscriptions, beside each subscription's own
 * key. Stored only as a keyed hash (consumer.keyHash) with a hint; the key itself is shown once. The gateway finds
 * the consumer by the hash (gateway/credentials.ts).
 */
export function newAppKey(secrets: Secrets): { key: string; keyHash: string; keyHint: string } {
  const key = generateAccessKey();
  return { key, keyHash: secrets.hashKey(key), keyHint: key.slice(0, 4) };
}
