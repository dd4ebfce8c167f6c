import { generatePassword, hashPassword } from '../security/password.ts';
import type { Store } from '../store/types.ts';
import { MIN_PASSWORD_LENGTH } from './password-rules.ts';

/**
 * Makes sure an administrator exists. When none does, creates one (`admin` unless told otherwise) with the given
 * password (e.g. MANTRA_ADMIN_PASSWORD) or a generated one-time password, which is returned for the CLI to print
 * once and must be changed at the first login. There is no default password.
 */
export async function ensureFirstAdmin(
  store: Store,
  opts: { password?: string; username?: string } = {},
): Promise<{ username: string; password?: string; created: boolean }> {
  const admins = (await store.list('user')).filter((u) => u.body.role === 'administrator');
  if (admins.length > 0) return { username: admins[0].id, created: false };
  const username = opts.username ?? 'admin';
  if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`the first administrator's password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const oneTime = opts.password === undefined ? generatePassword() : undefined;
  const existing = await store.get('user', username);
  if (existing) throw new Error(`user ${username} exists but is not an administrator; choose another username`);
  await store.put('user', {
    username,
    fullName: 'Administrator',
    role: 'administrator',
    passwordHash: await hashPassword(opts.password ?? oneTime!),
    active: true,
    mustChangePassword: oneTime !== undefined,
    language: 'id',
  }, 0);
  return { username, created: true, ...(oneTime ? { password: oneTime } : {}) };
}

/** Gives a user a new one-time password, returned to be shown once; it must be changed at the next login. */
export async function resetPassword(store: Store, username: string): Promise<string> {
  const stored = await store.get('user', username);
  if (!stored) throw new Error(`no user ${username}`);
  const password = generatePassword();
  await store.put('user', { ...stored.body, passwordHash: await hashPassword(password), mustChangePassword: true }, stored.version);
  return password;
}
