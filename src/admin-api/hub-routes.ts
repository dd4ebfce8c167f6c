import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { importNode, importStatuses } from '../hub/import-node.ts';
import { HubError } from '../hub/messages.ts';
import { pickLang } from '../i18n/index.ts';
import { slug } from '../model/slug.ts';
import { currentSettings } from './confinement.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { body, errors, json, input, register } from './openapi.ts';
import { authorize, requireRole } from './policy.ts';

const tags = ['hub'];

const ImportRequest = z.object({
  url: z.string().min(1).max(2048).openapi({
    description: "The node's base address (https://node.agency.go.id[/prefix]) or its catalogue's (…/catalogue/openapi.json)",
  }),
  agency: slug.openapi({ description: 'The hub agency whose proxy operations front the node' }),
  key: z.string().max(512).optional().openapi({
    description: 'The key the node issued to the hub (an application key, or a subscription key): stored encrypted, never shown. Left out, the stored one stays.',
  }),
  dryRun: z.boolean().default(false).openapi({ description: 'Report what would change; save nothing' }),
}).strict().openapi('HubImportRequest');

const ImportReport = z.object({
  node: z.string(),
  document: z.string(),
  agency: z.string(),
  dryRun: z.boolean(),
  servicesCreated: z.array(z.string()),
  operations: z.array(z.object({
    service: z.string(),
    operation: z.string(),
    status: z.enum(importStatuses).openapi({
      description: 'gone: no longer in the node catalogue, left in place (not deleted); conflict: a hub operation of that name that is not this node\'s, left alone',
    }),
    changed: z.array(z.string()).optional().openapi({ description: 'On updated: description, params, endpoint, key' }),
  })),
  counts: z.object(Object.fromEntries(importStatuses.map((s) => [s, z.number().int()]))),
}).openapi('HubImportReport');

/**
 * Joining a node to the hub: its public catalogue becomes the hub agency's proxy operations (src/hub/). For those
 * who may make proxy operations for that agency: administrators, and its publishers (README, Roles).
 */
export function mountHubRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  register(app, [...guards, requireRole('administrator', 'publisher')], createRoute({
    method: 'post', path: '/hub/import-node', tags,
    summary: "Create or update the hub's proxy operations for a node from its public catalogue; report created, updated, unchanged, gone (never deleted)",
    request: { body: body(ImportRequest) },
    responses: { 200: json(ImportReport, 'What was (or, on a dry run, would be) done, per operation'), ...errors(400, 401, 403, 404, 409, 413, 502, 504) },
  }), async (c) => {
    const req = input<z.infer<typeof ImportRequest>>(c, 'json');
    const user = c.get('user');
    authorize(user, 'operation', 'write', { agency: req.agency });
    authorize(user, 'service', 'write', { agency: req.agency });
    const lang = pickLang(c.req.raw);
    try {
      const report = await importNode({ ...req, lang }, { store: ctx.store, secrets: ctx.secrets, settings: await currentSettings(ctx) });
      return c.json(report, 200);
    } catch (err) {
      if (err instanceof HubError) throw new AdminError(err.status, err.key, err.vars, err.issues ? { issues: err.issues } : {});
      throw err;
    }
  });
}
