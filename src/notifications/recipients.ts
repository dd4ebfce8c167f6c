import type { MailEvent } from '../model/mail-settings.ts';
import type { Subscription } from '../model/subscription.ts';
import type { User } from '../model/user.ts';
import type { Store } from '../store/types.ts';

export interface Recipient {
  email: string;
  name: string;
  language: User['language'];
}

type Audience = (store: Store, sub: Subscription) => Promise<User[]>;

/** The active providers and publishers of the agency that owns the operation: those who decide. */
const deciders: Audience = async (store, sub) =>
  (await store.list('user')).map((u) => u.body).filter((u) =>
    u.active && u.agency === sub.agency && (u.role === 'provider' || u.role === 'publisher'));

/**
 * Whoever it was asked for, and the consumer's owner when that is someone else; for a subscription made without a
 * request (by a provider or an import), the requesters of the consumer's agency.
 */
const requester: Audience = async (store, sub) => {
  const owner = (await store.get('consumer', sub.consumer))?.body.owner;
  const names = [...new Set([sub.requestedBy, owner].filter((n): n is string => !!n))];
  const users = await Promise.all(names.map((n) => store.get('user', n)));
  const named = users.flatMap((u) => (u && u.body.active ? [u.body] : []));
  if (named.length) return named;
  const agency = sub.consumer.split('/')[0];
  return (await store.list('user')).map((u) => u.body).filter((u) => u.active && u.role === 'requester' && u.agency === agency);
};

/** A request goes to those who decide; every decision and the expiry go back to the requester. */
const audiences: Record<MailEvent, Audience> = {
  requested: deciders,
  approved: requester,
  rejected: requester,
  revoked: requester,
  expired: requester,
  expiring: requester,
};

/** Everyone an event concerns who has an email address, each once. */
export async function recipients(store: Store, event: MailEvent, sub: Subscription): Promise<Recipient[]> {
  const seen = new Set<string>();
  return (await audiences[event](store, sub)).flatMap((u) => {
    if (!u.email || seen.has(u.email.toLowerCase())) return [];
    seen.add(u.email.toLowerCase());
    return [{ email: u.email, name: u.fullName || u.username, language: u.language }];
  });
}
