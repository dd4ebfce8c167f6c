import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Role, type User } from '../model/user.ts';
import { hashPassword, needsRehash, verifyPassword } from '../security/password.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { authenticate, clearSessionCookie, openSession, setSessionCookie, totpEnrolmentDue } from './session.ts';
import { checkTotp } from '../security/totp.ts';
import { mountTotpRoutes } from './totp-routes.ts';
import { MIN_PASSWORD_LENGTH, newPassword } from './password-rules.ts';
import { KdfGate } from './kdf-gate.ts';
import { mountLoginFailureRoutes } from './login-failure-routes.ts';
import { LoginThrottle } from './throttle.ts';

const Login = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
    code: z.string().max(16).optional().openapi({ description: 'The current TOTP code, for users who enabled two-step sign-in' }),
  })
  .strict()
  .openapi('Login');
const SessionUser = z
  .object({
    username: z.string(), role: Role, agency: z.string().optional(), fullName: z.string(), mustChangePassword: z.boolean(),
    language: z.enum(['id', 'en']),
    totpEnabled: z.boolean(),
  })
  .openapi('SessionUser');
const SessionInfo = z
  .object({
    csrf: z.string().openapi({ description: 'Send as X-CSRF-Token with unsafe methods when using the cookie' }),
    expiresAt: z.number().int().openapi({ description: 'Unix time in ms; slides with every request' }),
    mustChangePassword: z.boolean(),
    totpEnrolmentRequired: z.boolean().openapi({ description: 'The settings require TOTP of administrators and this one has none yet: enrol first' }),
    user: SessionUser,
  })
  .openapi('SessionInfo');
const LoginResult = SessionInfo.extend({
  token: z.string().openapi({ description: 'For Authorization: Bearer; the same session as the cookie' }),
}).openapi('LoginResult');
const PasswordChange = z
  .object({ current: z.string().min(1).max(1024), new: newPassword })
  .strict()
  .openapi('PasswordChange');

const sessionUser = (u: User) => ({
  username: u.username, role: u.role, agency: u.agency, fullName: u.fullName, mustChangePassword: u.mustChangePassword,
  language: u.language, totpEnabled: u.totp?.confirmed === true,
});

/** Unknown usernames are checked against this hash, so that they cost as much time as known ones. */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

export function mountAuthRoutes(app: OpenAPIHono<AdminEnv>, ctx: AdminContext) {
  const { store } = ctx;
  const throttle = new LoginThrottle();
  const gate = new KdfGate();
  const pending = [authenticate(ctx, { setup: true })];
  const tag = ['session'];

  /** Refuses a pair or address that failed too often; slows a try for an account guessed from many places. */
  async function beforeTry(username: string, address: string) {
    const { retryAfter, delayMs } = throttle.check(username, address);
    if (retryAfter) {
      throw new AdminError(429, 'throttled', { seconds: retryAfter }, { retryAfter }, { 'Retry-After': String(retryAfter) });
    }
    if (delayMs) await sleep(delayMs);
    if (gate.full) throw new AdminError(503, 'busy', {}, {}, { 'Retry-After': '1' });
  }

  register(app, [], createRoute({
    method: 'post', path: '/login', tags: tag,
    summary: 'Sign in: sets an HttpOnly session cookie and returns a bearer token',
    request: { body: body(Login) },
    responses: { 200: json(LoginResult, 'Signed in'), ...errors(400, 401, 403, 429) },
  }), async (c) => {
    const { username, password, code } = input<z.infer<typeof Login>>(c, 'json');
    const address = c.env?.remoteAddress ?? '';
    await beforeTry(username, address);
    const stored = await store.get('user', username);
    const hash = stored?.body.passwordHash ?? (await dummy());
    const matches = await gate.run(() => verifyPassword(password, hash));
    if (!stored || !matches) {
      throttle.fail(username, address);
      throw new AdminError(401, 'login_failed');
    }
    const user = stored.body;
    // Said only to whoever knows the password: it reveals nothing to a guesser.
    if (!user.active) {
      throttle.succeed(username, address);
      throw new AdminError(403, 'account_inactive');
    }
    if (user.totp?.confirmed) {
      // Asking for the code tells only whoever knows the password; a wrong code counts as a failed try.
      if (!code) throw new AdminError(401, 'totp_required', {}, { totpRequired: true });
      const step = await checkTotp(ctx.secrets.decrypt(user.totp.secret), code, user.totp.lastStep);
      if (step === undefined) {
        throttle.fail(username, address);
        throw new AdminError(401, 'totp_failed');
      }
      // A code is good once: a concurrent login with the same code loses the version race.
      const saved = await store.put('user', { ...user, totp: { ...user.totp, lastStep: step } }, stored.version).catch(() => undefined);
      if (!saved) throw new AdminError(401, 'totp_failed');
      stored.version = saved.version;
    }
    throttle.succeed(username, address);
    // An imported MANTRA (bcrypt) hash becomes Mantra's own now that the password is known; a concurrent change wins.
    if (needsRehash(user.passwordHash)) {
      const passwordHash = await gate.run(() => hashPassword(password));
      await store.put('user', { ...user, passwordHash }, stored.version).catch(() => {});
    }
    const session = await openSession(store, user.username);
    setSessionCookie(c, session.token);
    // The audit trail names who signed in.
    c.set('user', { username: user.username, role: user.role, agency: user.agency, mustChangePassword: user.mustChangePassword });
    return c.json({
      ...session, mustChangePassword: user.mustChangePassword, totpEnrolmentRequired: await totpEnrolmentDue(ctx, user),
      user: sessionUser(user),
    }, 200);
  });

  register(app, pending, createRoute({
    method: 'post', path: '/logout', tags: tag, summary: 'Sign out: ends the session',
    responses: { 204: { description: 'Signed out' }, ...errors(401, 403) },
  }), async (c) => {
    await store.sessions.remove(c.get('session').tokenHash);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  register(app, pending, createRoute({
    method: 'get', path: '/session', tags: tag, summary: 'The current session, its user and CSRF token',
    responses: { 200: json(SessionInfo, 'The session'), ...errors(401) },
  }), async (c) => {
    const { csrf, expiresAt } = c.get('session');
    const user = (await store.get('user', c.get('user').username))!.body;
    return c.json({
      csrf, expiresAt, mustChangePassword: user.mustChangePassword, totpEnrolmentRequired: await totpEnrolmentDue(ctx, user),
      user: sessionUser(user),
    }, 200);
  });

  register(app, pending, createRoute({
    method: 'post', path: '/password', tags: tag,
    summary: `Change one's own password (at least ${MIN_PASSWORD_LENGTH} characters); required after a one-time password. Ends the user's other sessions`,
    request: { body: body(PasswordChange) },
    responses: { 204: { description: 'Changed' }, ...errors(400, 401, 403, 429) },
  }), async (c) => {
    const { current, new: next } = input<z.infer<typeof PasswordChange>>(c, 'json');
    const { username } = c.get('user');
    const address = c.env?.remoteAddress ?? '';
    await beforeTry(username, address);
    const stored = (await store.get('user', username))!;
    if (!(await gate.run(() => verifyPassword(current, stored.body.passwordHash)))) {
      throttle.fail(username, address);
      throw invalid([{ path: 'current', key: 'wrong_password' }]);
    }
    throttle.succeed(username, address);
    if (next === current) throw invalid([{ path: 'new', key: 'same_password' }]);
    const passwordHash = await gate.run(() => hashPassword(next));
    await store.put('user', { ...stored.body, passwordHash, mustChangePassword: false }, stored.version);
    // Whoever else holds a session may be the reason for the change: only this one goes on.
    await store.sessions.removeUser(username, c.get('session').tokenHash);
    return c.body(null, 204);
  });

  mountTotpRoutes(app, ctx, { setup: pending, throttle, gate });
  mountLoginFailureRoutes(app, [authenticate(ctx, { setup: false })], throttle);
}
