import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { operationSlug, slug } from '../model/slug.ts';
import { Subscription, type SubscriptionStatus } from '../model/subscription.ts';
import { generateAccessKey } from '../security/password.ts';
import { type Stored, StoreError } from '../store/types.ts';
import { announce } from './announce.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid, parseOrThrow } from './errors.ts';
import { pickLang } from '../i18n/index.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { authorizeStep } from './policy.ts';
import { assertKeyFree, historyEntry, keyFields, subscriptionResource } from './resources.ts';

const RotateKey = z
  .object({
    key: z.string().min(1).max(128).optional().openapi({ description: 'An existing (MANTRA) key to use; generated when absent' }),
  })
  .strict()
  .openapi('RotateKey');

/** An expiry given with a request or an approval must lie ahead. */
function assertFuture(expiresAt: string | undefined) {
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now()) throw invalid([{ path: 'expiresAt', key: 'in_the_past' }]);
}

const SubscriptionRequest = z
  .object({
    consumer: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/).openapi({ description: 'The application, `agency/slug`' }),
    agency: slug,
    service: slug,
    operation: operationSlug,
    purpose: z.string().trim().min(1).max(2000),
    legalBasis: z.string().trim().min(1).max(2000),
    expiresAt: z.string().datetime().optional(),
    requestedBy: z.string().max(64).optional().openapi({
      description: 'Administrators only: the requester asked for; otherwise the caller',
    }),
  })
  .strict()
  .openapi('SubscriptionRequest');

const Decision = z
  .object({
    note: z.string().max(2000).optional(),
    /** Approval may set the terms; left out they stay as requested. */
    expiresAt: z.string().datetime().optional(),
    rateLimit: z.number().int().min(0).optional(),
    quota: z.number().int().min(0).optional(),
    monthlyQuota: z.number().int().min(0).optional(),
    ipAllowlist: z.array(z.string()).optional().openapi({ description: 'Addresses or CIDR ranges, IPv4 or IPv6' }),
  })
  .strict()
  .openapi('SubscriptionDecision');

/** The decisions of the owning agency: from which status each one moves to which. */
const decisions: { path: string; to: SubscriptionStatus; from: SubscriptionStatus[]; summary: string }[] = [
  { path: 'approve', to: 'approved', from: ['requested'], summary: 'Approve a request (owning agency); the key works from now on' },
  { path: 'reject', to: 'rejected', from: ['requested'], summary: 'Reject a request (owning agency)' },
  { path: 'revoke', to: 'revoked', from: ['approved'], summary: 'Revoke an approved subscription (owning agency); its key stops working at once' },
];

const Id = z.object({ id: Subscription.shape.id });
const shown = (s: Stored<'subscription'>, key?: string) => {
  const { keyHash: _, ...rest } = s.body;
  return { ...rest, version: s.version, updatedAt: s.updatedAt, ...(key ? { key } : {}) };
};

/**
 * The subscription workflow: a requester (or an administrator for one) asks, the owning agency's providers or
 * publishers approve, reject or revoke, and the requester may renew the key. Each step is added to the history
 * with who and when, and mailed to whom it concerns (announce.ts).
 */
export function mountSubscriptionRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const { store } = ctx;
  const tags = ['subscriptions'];

  async function find(c: Context<AdminEnv>) {
    const { id } = input<{ id: string }>(c, 'param');
    const stored = await store.get('subscription', id);
    if (!stored) throw new AdminError(404, 'not_found', { kind: 'subscription', id });
    return stored;
  }

  async function save(next: Subscription, version: number) {
    try {
      return await store.put('subscription', next, version);
    } catch (err) {
      if (err instanceof StoreError && (err.reason === 'version' || err.reason === 'conflict')) throw new AdminError(409, 'changed_meanwhile');
      throw err;
    }
  }

  register(app, guards, createRoute({
    method: 'post', path: '/subscription-requests', tags,
    summary: "Ask for an operation for one of the agency's applications, with a purpose and a legal basis; the key is in the answer, once",
    request: { body: body(SubscriptionRequest) },
    responses: { 201: json(subscriptionResource.view, 'The request (status requested) with its `key`'), ...errors(400, 401, 403, 409) },
  }), async (c) => {
    const user = c.get('user');
    const fields = input<z.infer<typeof SubscriptionRequest>>(c, 'json');
    authorizeStep(user, 'request', fields);
    assertFuture(fields.expiresAt);
    const requestedBy = fields.requestedBy ?? user.username;
    if (requestedBy !== user.username) {
      if (user.role !== 'administrator') throw new AdminError(403, 'forbidden');
      const named = (await store.get('user', requestedBy))?.body;
      const consumerAgency = fields.consumer.split('/')[0];
      if (!named || !named.active || named.role !== 'requester' || named.agency !== consumerAgency) {
        throw invalid([{ path: 'requestedBy', key: 'requested_by' }]);
      }
    }
    const opId = `${fields.agency}/${fields.service}/${fields.operation}`;
    const missing = [
      ...((await store.get('operation', opId)) ? [] : [{ path: 'operation', key: 'reference_missing' as const, vars: { kind: 'operation', id: opId } }]),
      ...((await store.get('consumer', fields.consumer)) ? [] : [{ path: 'consumer', key: 'reference_missing' as const, vars: { kind: 'consumer', id: fields.consumer } }]),
    ];
    if (missing.length) throw invalid(missing, 'reference');
    const open = (await store.list('subscription')).some((s) =>
      s.body.consumer === fields.consumer && `${s.body.agency}/${s.body.service}/${s.body.operation}` === opId &&
      (s.body.status === 'requested' || s.body.status === 'approved'));
    if (open) throw new AdminError(409, 'already_subscribed');
    const key = generateAccessKey();
    const next = Subscription.parse({
      ...fields, id: randomUUID(), requestedBy, status: 'requested', ...keyFields(key, ctx),
      history: [historyEntry(user.username, 'requested', requestedBy !== user.username ? `for ${requestedBy}` : undefined)],
    });
    const saved = await save(next, 0);
    await announce(ctx, saved.body);
    return c.json(shown(saved, key), 201);
  });

  for (const step of decisions) {
    register(app, guards, createRoute({
      method: 'post', path: `/subscriptions/{id}/${step.path}`, tags, summary: step.summary,
      request: { params: Id, body: { content: { 'application/json': { schema: Decision } }, required: false } },
      responses: { 200: json(subscriptionResource.view, `The subscription, now ${step.to}`), ...errors(400, 401, 403, 404, 409) },
    }), async (c) => {
      const stored = await find(c);
      const user = c.get('user');
      authorizeStep(user, 'decide', stored.body);
      const { note, ...terms } = input<z.infer<typeof Decision> | undefined>(c, 'json') ?? {};
      if (step.to !== 'approved' && Object.keys(terms).length) {
        throw invalid(Object.keys(terms).map((path) => ({ path, key: 'unknown_field' as const })));
      }
      assertFuture(terms.expiresAt);
      if (!step.from.includes(stored.body.status)) {
        throw new AdminError(409, 'wrong_status', { status: stored.body.status, expected: step.from.join(', ') });
      }
      const next = parseOrThrow(Subscription, {
        ...stored.body, ...terms, status: step.to,
        history: [...stored.body.history, historyEntry(user.username, step.to, note)],
      }, pickLang(c.req.raw));
      // An approval must leave time to call: a request's expiry may have passed while it waited.
      if (step.to === 'approved') assertFuture(next.expiresAt);
      const saved = await save(next, stored.version);
      await announce(ctx, saved.body, stored.body);
      return c.json(shown(saved), 200);
    });
  }

  register(app, guards, createRoute({
    method: 'post', path: '/subscriptions/{id}/rotate-key', tags,
    summary: 'Replace the key (the requester, the owning agency, administrators); the answer carries the new key once',
    request: {
      params: Id,
      body: { content: { 'application/json': { schema: RotateKey } }, required: false },
    },
    responses: { 200: json(subscriptionResource.view, 'The subscription with its new `key`'), ...errors(400, 401, 403, 404, 409) },
  }), async (c) => {
    const stored = await find(c);
    const user = c.get('user');
    authorizeStep(user, 'regenerateKey', stored.body);
    const chosen = input<z.infer<typeof RotateKey> | undefined>(c, 'json')?.key;
    // A chosen key is for carrying over an imported MANTRA key: administrators only, everyone else gets a random one.
    if (chosen !== undefined && user.role !== 'administrator') throw new AdminError(403, 'forbidden');
    const key = chosen ?? generateAccessKey();
    const next = {
      ...stored.body, ...keyFields(key, ctx),
      history: [...stored.body.history, historyEntry(user.username, 'key_regenerated')],
    };
    await assertKeyFree(next, ctx);
    return c.json(shown(await save(next, stored.version), key), 200);
  });
}
