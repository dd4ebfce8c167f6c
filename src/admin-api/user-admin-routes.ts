import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { User } from '../model/user.ts';
import { StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { errors, input, json, register } from './openapi.ts';
import { requireRole } from './policy.ts';
import { resetPassword } from './first-admin.ts';

const Params = z.object({ username: User.shape.username });
const OneTime = z
  .object({
    username: z.string(),
    password: z.string().openapi({ description: 'One-time password: shown once, must be changed at the next sign-in' }),
  })
  .openapi('OneTimePassword');

/** What only an administrator does to another account: a new one-time password, or its second factor removed. */
export function mountUserAdminRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const { store } = ctx;
  const admins = [...guards, requireRole('administrator')];
  const tags = ['users'];

  async function find(username: string) {
    const stored = await store.get('user', username);
    if (!stored) throw new AdminError(404, 'not_found', { kind: 'user', id: username });
    return stored;
  }
  const changedMeanwhile = (err: unknown) => {
    if (err instanceof StoreError && err.reason === 'version') throw new AdminError(409, 'changed_meanwhile');
    throw err;
  };

  register(app, admins, createRoute({
    method: 'post', path: '/users/{username}/reset-password', tags,
    summary: "Give a user a one-time password (administrators); the user's sessions end and the password must be changed at the next sign-in",
    request: { params: Params },
    responses: { 200: json(OneTime, 'The one-time password, shown once'), ...errors(401, 403, 404, 409) },
  }), async (c) => {
    const { username } = input<{ username: string }>(c, 'param');
    await find(username);
    const password = await resetPassword(store, username).catch(changedMeanwhile);
    await store.sessions.removeUser(username);
    return c.json({ username, password }, 200);
  });

  register(app, admins, createRoute({
    method: 'post', path: '/users/{username}/totp/reset', tags,
    summary: "Remove a user's second factor (administrators), e.g. after a lost phone; the user's sessions end",
    request: { params: Params },
    responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404, 409) },
  }), async (c) => {
    const stored = await find(input<{ username: string }>(c, 'param').username);
    await store.put('user', { ...stored.body, totp: undefined }, stored.version).catch(changedMeanwhile);
    await store.sessions.removeUser(stored.id);
    return c.body(null, 204);
  });
}
