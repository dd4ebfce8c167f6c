import type { Context } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { mountAuthRoutes } from './auth-routes.ts';
import { mountConnectorRoutes } from './connector-routes.ts';
import { auditTrail } from './audit.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { mountCrud } from './crud.ts';
import { AdminError, renderError } from './errors.ts';
import { resources } from './resources.ts';
import { authenticate, SESSION_COOKIE } from './session.ts';
import { mountSubscriptionRoutes } from './subscription-routes.ts';
import { mountAppKeyRoutes } from './app-key-routes.ts';
import { mountSettingsRoutes } from './settings-routes.ts';
import { mountAuditRoutes } from './audit-routes.ts';
import { mountStatsRoutes } from './stats-routes.ts';
import { mountUserAdminRoutes } from './user-admin-routes.ts';
import { mountBrandingRoutes } from './branding-routes.ts';
import { mountSmtpTestRoutes } from './smtp-test-routes.ts';
import { mountCompositeRoutes } from './composite-routes.ts';
import { mountHubRoutes } from './hub-routes.ts';

export type { AdminContext, AdminEnv, AdminUser, ConnectorProbe } from './context.ts';
export { ensureFirstAdmin, resetPassword } from './first-admin.ts';
export { exportConfig, importConfig } from './config-document.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The admin API, to be mounted with `app.route('/admin/api', createAdminApi(ctx))`. Every answer is JSON,
 * errors included (Indonesian unless `Accept-Language: en` or `?lang=en`); the OpenAPI 3.1 document is at
 * /openapi.json. The remote address for the login throttle comes from `app.fetch(req, { remoteAddress })`.
 */
export function createAdminApi(ctx: AdminContext): OpenAPIHono<AdminEnv> {
  const app = new OpenAPIHono<AdminEnv>();
  app.onError(renderError);
  // First, so that every refusal below it (size, login, roles, checks) is tracked too.
  app.use('*', auditTrail(ctx.tracker));
  app.use('*', bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AdminError(413, 'too_large', { max: MAX_BODY_BYTES });
    },
  }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'Cookie', {
    type: 'apiKey', in: 'cookie', name: SESSION_COOKIE,
    description: 'Set by POST /login; unsafe methods also need the X-CSRF-Token header',
  });

  mountAuthRoutes(app, ctx);
  const guards = [authenticate(ctx, { setup: false })];
  for (const resource of resources) mountCrud(app, guards, ctx, resource);
  mountConnectorRoutes(app, guards, ctx);
  mountSubscriptionRoutes(app, guards, ctx);
  mountAppKeyRoutes(app, guards, ctx);
  mountUserAdminRoutes(app, guards, ctx);
  mountSettingsRoutes(app, guards, ctx);
  mountAuditRoutes(app, guards, ctx);
  mountStatsRoutes(app, guards, ctx);
  mountBrandingRoutes(app, ctx);
  mountSmtpTestRoutes(app, guards, ctx);
  mountCompositeRoutes(app, guards, ctx);
  mountHubRoutes(app, guards, ctx);

  // doc31's document, built once: generating it costs ~100 ms, too much to repeat for every anonymous request.
  let document: unknown;
  app.get('/openapi.json', (c) => c.json(document ??= app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Mantra admin API',
      version: '1',
      description: 'Configuration of agencies, connectors, services, operations, consumers, users and subscriptions.',
    },
    servers: [{ url: '/admin/api' }],
  })));

  // Mounted under another app, this sub-app's notFound is not used: a catch-all keeps unknown routes JSON.
  const unknownRoute = (c: Context) =>
    renderError(new AdminError(404, 'route_not_found', { method: c.req.method, path: c.req.path }), c);
  app.all('*', unknownRoute);
  app.notFound(unknownRoute);
  return app;
}
