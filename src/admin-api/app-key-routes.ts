import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { slug } from '../model/slug.ts';
import { newAppKey } from '../security/app-key.ts';
import { StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { errors, input, json, register } from './openapi.ts';
import { authorizeStep } from './policy.ts';

const Params = z.object({ agency: slug, slug });
const AppKey = z
  .object({
    agency: slug,
    slug,
    keyHint: z.string(),
    key: z.string().openapi({ description: 'The application key: shown in this answer only, stored as a keyed hash' }),
  })
  .openapi('AppKey');

/**
 * One application key per consumer, good for all its approved subscriptions (security/app-key.ts): made or
 * replaced here by the requesters of the consumer's agency or an administrator, and removed again.
 */
export function mountAppKeyRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const tags = ['consumers'];

  async function change(params: { agency: string; slug: string }, user: Parameters<typeof authorizeStep>[0], fields: { keyHash?: string; keyHint?: string }) {
    const id = `${params.agency}/${params.slug}`;
    const stored = await ctx.store.get('consumer', id);
    if (!stored) throw new AdminError(404, 'not_found', { kind: 'consumer', id });
    authorizeStep(user, 'appKey', stored.body);
    try {
      return await ctx.store.put('consumer', { ...stored.body, ...fields }, stored.version);
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'version') throw new AdminError(409, 'changed_meanwhile');
      throw err;
    }
  }

  register(app, guards, createRoute({
    method: 'post', path: '/consumers/{agency}/{slug}/app-key', tags,
    summary: "Make or replace the application's key for all its subscriptions; the old one stops working at once",
    request: { params: Params },
    responses: { 200: json(AppKey, 'The new key, shown once'), ...errors(401, 403, 404, 409) },
  }), async (c) => {
    const params = input<{ agency: string; slug: string }>(c, 'param');
    const { key, keyHash, keyHint } = newAppKey(ctx.secrets);
    await change(params, c.get('user'), { keyHash, keyHint });
    return c.json({ ...params, keyHint, key }, 200);
  });

  register(app, guards, createRoute({
    method: 'delete', path: '/consumers/{agency}/{slug}/app-key', tags,
    summary: "Remove the application's key; its subscriptions' own keys go on working",
    request: { params: Params },
    responses: { 204: { description: 'Removed' }, ...errors(401, 403, 404, 409) },
  }), async (c) => {
    await change(input(c, 'param'), c.get('user'), { keyHash: undefined, keyHint: undefined });
    return c.body(null, 204);
  });
}
