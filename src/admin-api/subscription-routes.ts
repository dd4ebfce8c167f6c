import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Subscription } from '../model/subscription.ts';
import { generateAccessKey } from '../security/password.ts';
import { StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { authorize } from './policy.ts';
import { assertKeyFree, keyFields, subscriptionResource } from './resources.ts';

const RotateKey = z
  .object({
    key: z.string().min(1).max(128).optional().openapi({ description: 'An existing (MANTRA) key to use; generated when absent' }),
  })
  .strict()
  .openapi('RotateKey');

/** A new key for a subscription, shown once in the answer; the old key stops working at once. */
export function mountSubscriptionRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  register(app, guards, createRoute({
    method: 'post', path: '/subscriptions/{id}/rotate-key', tags: ['subscriptions'],
    summary: 'Replace the key; the answer carries the new key once',
    request: {
      params: z.object({ id: Subscription.shape.id }),
      body: { content: { 'application/json': { schema: RotateKey } }, required: false },
    },
    responses: { 200: json(subscriptionResource.view, 'The subscription with its new `key`'), ...errors(400, 401, 403, 404, 409) },
  }), async (c) => {
    const { id } = input<{ id: string }>(c, 'param');
    const stored = await ctx.store.get('subscription', id);
    if (!stored) throw new AdminError(404, 'not_found', { kind: 'subscription', id });
    authorize(c.get('user'), 'subscription', 'write', stored.body);
    const key = input<z.infer<typeof RotateKey>>(c, 'json').key ?? generateAccessKey();
    const next = { ...stored.body, ...keyFields(key, ctx) };
    await assertKeyFree(next, ctx);
    try {
      const saved = await ctx.store.put('subscription', next, stored.version);
      const { keyHash: _, ...shown } = saved.body;
      return c.json({ ...shown, version: saved.version, updatedAt: saved.updatedAt, key }, 200);
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'version') throw new AdminError(409, 'changed_meanwhile');
      throw err;
    }
  });
}
