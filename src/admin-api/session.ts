import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { User } from '../model/user.ts';
import type { Store } from '../store/types.ts';
import { currentSettings } from './confinement.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** The sliding expiry is written at most this often, not on every request. */
const REFRESH_EVERY_MS = 60_000;
export const SESSION_COOKIE = 'mantra_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Only this hash of a session token is stored: a copy of the store does not let anyone in. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function openSession(store: Store, username: string) {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = Date.now() + SESSION_IDLE_MS;
  await store.sessions.put({ tokenHash: tokenHash(token), username, csrf, expiresAt });
  return { token, csrf, expiresAt };
}

/**
 * Whether the caller used HTTPS: Mantra's own TLS, or a trusted proxy's X-Forwarded-Proto (the server's `scheme`,
 * src/app-env.ts); without a server (app.request() in tests), the request's URL.
 */
const overHttps = (c: Context) => ((c.env as { scheme?: string } | undefined)?.scheme ?? new URL(c.req.url).protocol.slice(0, -1)) === 'https';

export function setSessionCookie(c: Context, token: string) {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: overHttps(c), path: '/' });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: overHttps(c) });
}

function presentedToken(c: Context): { token?: string; via: 'cookie' | 'bearer' } {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return bearer ? { token: bearer, via: 'bearer' } : { token: getCookie(c, SESSION_COOKIE), via: 'cookie' };
}

/** True when the settings make administrators use TOTP and this one has not enrolled yet. */
export async function totpEnrolmentDue(ctx: AdminContext, user: User): Promise<boolean> {
  if (user.role !== 'administrator' || user.totp?.confirmed) return false;
  return (await currentSettings(ctx)).totpRequiredForAdmins;
}

/**
 * Requires a live session (bearer token or cookie) of an active user. Cookie requests with unsafe methods must
 * carry X-CSRF-Token; bearer requests cannot be forged by a browser and need none. Until a user has changed a
 * one-time password, or (when the settings require it) an administrator has enrolled TOTP, only the routes that
 * finish the account's setup (`setup`) pass.
 */
export function authenticate(ctx: AdminContext, opts: { setup: boolean }): MiddlewareHandler<AdminEnv> {
  return async function authenticate(c, next) {
    const { token, via } = presentedToken(c);
    if (!token) throw new AdminError(401, 'unauthenticated');
    const session = await ctx.store.sessions.get(tokenHash(token));
    if (!session) throw new AdminError(401, 'unauthenticated');
    const user = (await ctx.store.get('user', session.username))?.body;
    if (!user || !user.active) {
      await ctx.store.sessions.remove(session.tokenHash);
      throw new AdminError(401, 'unauthenticated');
    }
    if (via === 'cookie' && !SAFE_METHODS.has(c.req.method) && !sameSecret(c.req.header('x-csrf-token') ?? '', session.csrf)) {
      throw new AdminError(403, 'csrf');
    }
    if (!opts.setup && user.mustChangePassword) throw new AdminError(403, 'must_change_password');
    if (!opts.setup && (await totpEnrolmentDue(ctx, user))) throw new AdminError(403, 'totp_enrolment_required');
    const now = Date.now();
    if (session.expiresAt - now < SESSION_IDLE_MS - REFRESH_EVERY_MS) {
      session.expiresAt = now + SESSION_IDLE_MS;
      await ctx.store.sessions.put(session);
    }
    c.set('session', session);
    c.set('via', via);
    c.set('user', { username: user.username, role: user.role, agency: user.agency, mustChangePassword: user.mustChangePassword });
    await next();
  };
}
