import { type Draft, draft, fit, itemKey, toSlug } from './common.ts';
import type { UserRow } from './read.ts';
import { User } from '../model/user.ts';

/**
 * One consumer per requester (and per any other user holding orders), in the user's agency: MANTRA tied each
 * order to a user, Mantra ties subscriptions to consumers. Named after the logname.
 */
export function mapConsumer(row: UserRow, agencyOf: (instanceId: string) => string | undefined): Draft {
  const slug = toSlug(row.logname);
  const d = draft('consumer', '', `users#${row.id}`);
  d.name = row.logname;
  const instance = row.instanceid?.trim() ?? '';
  const agency = instance === '' ? undefined : agencyOf(instance);
  if (!slug) d.problems.push(`logname "${row.logname}" gives no usable consumer name`);
  if (agency === undefined) d.problems.push(instance === '' ? 'the user has no instance' : `its instance #${instance} was not imported`);
  if (!slug || agency === undefined) return d;
  d.id = `${agency}/${slug}`;
  d.needs.push(itemKey('agency', agency));
  const owner = User.shape.username.safeParse(row.logname).success ? row.logname : undefined;
  d.body = {
    agency,
    slug,
    name: fit(row.fullname.trim() || row.logname, 200, 'fullname', d),
    contact: row.email.trim() ? fit(row.email.trim(), 200, 'email', d) : undefined,
    owner,
  };
  return d;
}
