import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { User } from '../model/user.ts';
import { checkTotp, newTotpSecret, totpUri } from '../security/totp.ts';
import { verifyPassword } from '../security/password.ts';
import { StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import type { KdfGate } from './kdf-gate.ts';
import type { LoginThrottle } from './throttle.ts';
import { currentSettings } from './confinement.ts';

const Enrol = z.object({ password: z.string().min(1).max(1024) }).strict().openapi('TotpEnrol');
const Code = z.object({ code: z.string().min(1).max(16) }).strict().openapi('TotpCode');
const Enrolment = z
  .object({
    secret: z.string().openapi({ description: 'Base32 secret, for typing into an authenticator app; shown once' }),
    uri: z.string().openapi({ description: 'otpauth://totp/… URI (for a QR code); shown once' }),
  })
  .openapi('TotpEnrolment');

/**
 * One's own second factor (RFC 6238): enrol (password again; the secret shown once, stored encrypted), confirm
 * with a first code, disable with a code. Enrolment and confirmation are open while an administrator still has to
 * enrol (`setup` guards). Wrong passwords and codes count in the login throttle, so a stolen session cannot
 * guess them either.
 */
export function mountTotpRoutes(
  app: OpenAPIHono<AdminEnv>,
  ctx: AdminContext,
  deps: { setup: MiddlewareHandler<AdminEnv>[]; throttle: LoginThrottle; gate: KdfGate },
) {
  const { store, secrets } = ctx;
  const tags = ['session'];

  async function self(username: string) {
    return (await store.get('user', username))!;
  }
  async function save(user: User, version: number) {
    try {
      await store.put('user', user, version);
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'version') throw new AdminError(409, 'changed_meanwhile');
      throw err;
    }
  }
  /** The step of a good code, or a counted failure. */
  async function goodCode(username: string, address: string, totp: NonNullable<User['totp']>, code: string) {
    const { retryAfter } = deps.throttle.check(username, address);
    if (retryAfter) throw new AdminError(429, 'throttled', { seconds: retryAfter }, { retryAfter }, { 'Retry-After': String(retryAfter) });
    const step = await checkTotp(secrets.decrypt(totp.secret), code, totp.lastStep);
    if (step === undefined) {
      deps.throttle.fail(username, address);
      throw invalid([{ path: 'code', key: 'totp_failed' }]);
    }
    return step;
  }

  register(app, deps.setup, createRoute({
    method: 'post', path: '/totp/enrol', tags,
    summary: 'Start two-step sign-in: a new secret, shown once as an otpauth:// URI; confirm it with a first code',
    request: { body: body(Enrol) },
    responses: { 200: json(Enrolment, 'The secret, once'), ...errors(400, 401, 403, 409, 429) },
  }), async (c) => {
    const { username } = c.get('user');
    const address = c.env?.remoteAddress ?? '';
    const stored = await self(username);
    if (stored.body.totp?.confirmed) throw new AdminError(409, 'totp_active');
    const { retryAfter } = deps.throttle.check(username, address);
    if (retryAfter) throw new AdminError(429, 'throttled', { seconds: retryAfter }, { retryAfter }, { 'Retry-After': String(retryAfter) });
    const { password } = input<z.infer<typeof Enrol>>(c, 'json');
    if (!(await deps.gate.run(() => verifyPassword(password, stored.body.passwordHash)))) {
      deps.throttle.fail(username, address);
      throw invalid([{ path: 'password', key: 'wrong_password' }]);
    }
    const secret = newTotpSecret();
    await save({ ...stored.body, totp: { secret: secrets.encrypt(secret), confirmed: false } }, stored.version);
    return c.json({ secret, uri: totpUri(secret, username) }, 200);
  });

  register(app, deps.setup, createRoute({
    method: 'post', path: '/totp/confirm', tags,
    summary: 'Finish enrolment with the first code from the app; sign-ins ask for a code from now on',
    request: { body: body(Code) },
    responses: { 204: { description: 'Enabled' }, ...errors(400, 401, 403, 409, 429) },
  }), async (c) => {
    const { username } = c.get('user');
    const stored = await self(username);
    const totp = stored.body.totp;
    if (!totp) throw new AdminError(409, 'totp_not_enrolled');
    if (totp.confirmed) throw new AdminError(409, 'totp_active');
    const step = await goodCode(username, c.env?.remoteAddress ?? '', totp, input<{ code: string }>(c, 'json').code);
    await save({ ...stored.body, totp: { ...totp, confirmed: true, lastStep: step } }, stored.version);
    // Sessions opened without the second factor end; this one goes on.
    await store.sessions.removeUser(username, c.get('session').tokenHash);
    return c.body(null, 204);
  });

  register(app, deps.setup, createRoute({
    method: 'post', path: '/totp/disable', tags,
    summary: "Turn two-step sign-in off with a current code (not for administrators when the settings require it)",
    request: { body: body(Code) },
    responses: { 204: { description: 'Disabled' }, ...errors(400, 401, 403, 409, 429) },
  }), async (c) => {
    const user = c.get('user');
    const stored = await self(user.username);
    const totp = stored.body.totp;
    if (!totp?.confirmed) throw new AdminError(409, 'totp_not_enabled');
    if (user.role === 'administrator' && (await currentSettings(ctx)).totpRequiredForAdmins) throw new AdminError(409, 'totp_mandatory');
    await goodCode(user.username, c.env?.remoteAddress ?? '', totp, input<{ code: string }>(c, 'json').code);
    await save({ ...stored.body, totp: undefined }, stored.version);
    return c.body(null, 204);
  });
}
