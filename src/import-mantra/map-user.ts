import { z } from '@hono/zod-openapi';
import type { Role } from '../model/user.ts';
import { User } from '../model/user.ts';
import { isBcryptHash } from '../security/bcrypt.ts';
import { type Draft, draft, fit, itemKey } from './common.ts';
import type { UserRow } from './read.ts';

/**
 * MANTRA's eight roles on Mantra's five. choreographer and composer built operations and compositions within
 * their agency: Mantra's publisher does that. visitor only looked around: requester is Mantra's least role (reads
 * operations, manages its own agency's consumers); supervisor would show it everything, so it is not used.
 */
export const roleMap: Record<string, Role> = {
  administrator: 'administrator',
  supervisor: 'supervisor',
  provider: 'provider',
  publisher: 'publisher',
  choreographer: 'publisher',
  composer: 'publisher',
  requester: 'requester',
  visitor: 'requester',
};

/** Roles that act within one agency and so need one. */
const agencyRoles = new Set<Role>(['provider', 'publisher', 'requester']);

const email = z.string().email();

/**
 * A user keeps the bcrypt hash PHP made (`$2y$`): Mantra verifies it at login and then replaces it with its own
 * scrypt hash. `agency` is undefined for MANTRA's instance 0 users of global roles.
 */
export function mapUser(row: UserRow, agencyOf: (instanceId: string) => string | undefined): Draft {
  const d = draft('user', row.logname, `users#${row.id}`);
  const username = User.shape.username.safeParse(row.logname);
  if (!username.success) {
    d.problems.push(`logname "${row.logname}" cannot be a Mantra username (2–64 of A–Z a–z 0–9 _ . @ -)`);
    return d;
  }
  const mantraRole = row.role.trim().toLowerCase();
  const role = roleMap[mantraRole];
  if (!role) {
    d.problems.push(`unknown role "${row.role}" (MANTRA knows ${Object.keys(roleMap).join(', ')})`);
    return d;
  }
  if (role !== mantraRole) d.warnings.push(`role ${mantraRole} becomes ${role}`);
  const instance = row.instanceid?.trim() ?? '';
  let agency: string | undefined;
  if (instance !== '' && (instance !== '0' || agencyRoles.has(role))) {
    agency = agencyOf(instance);
    if (agency === undefined) {
      d.problems.push(`its instance #${instance} was not imported`);
      return d;
    }
    d.needs.push(itemKey('agency', agency));
  } else if (agencyRoles.has(role)) {
    d.problems.push(`a ${role} needs an agency, and the user has no instance`);
    return d;
  }
  let passwordHash = row.passkey.trim();
  if (!isBcryptHash(passwordHash)) {
    d.warnings.push('passkey is not a bcrypt hash: the user cannot log in until an administrator resets the password');
    // Never a usable hash: verifyPassword refuses anything that is neither scrypt nor bcrypt.
    passwordHash = '!imported-without-usable-hash';
  }
  const active = row.activity.trim().toLowerCase() !== 'off';
  const mail = row.email.trim();
  if (mail && !email.safeParse(mail).success) d.warnings.push(`email "${mail}" is not an e-mail address: left out`);
  d.body = {
    username: username.data,
    fullName: fit(row.fullname.trim(), 200, 'fullname', d),
    email: mail && email.safeParse(mail).success ? mail : undefined,
    role,
    agency,
    passwordHash,
    active,
  };
  return d;
}
