import { Hono } from 'hono';
import { pickLang } from '../../i18n/index.ts';
import type { Call } from '../pipeline.ts';
import type { Registry } from '../registry.ts';
import { renderV1 } from './render.ts';
import { keyOf, readV1 } from './grammar.ts';
import { callInfo, type Env } from '../../app-env.ts';

/** Where a v1 path points. */
export interface V1Route {
  agency: string;
  service: string;
  operation: string;
}

export type V1Handler = (req: Request, env: Env['Bindings'] | undefined, route: V1Route) => Promise<Response>;

/** REST v1: /v1/{agency}/{service}/{operation}[.format], real HTTP statuses, problem+json errors. */
export function v1Handler(call: Call, registry: Registry): V1Handler {
  return async (http, env, route) => {
    const info = callInfo(env);
    await registry.ready();
    const ctx = await call({
      interface: 'v1',
      agency: route.agency,
      service: route.service,
      operation: route.operation,
      params: {},
      http,
      read: readV1,
      render: renderV1,
      key: keyOf(http.headers),
      format: 'json',
      envelope: 'v1',
      remote: info.remote,
      userAgent: http.headers.get('user-agent') ?? '',
      requestId: info.requestId,
      lang: pickLang(http),
      // Lazy: reading a Bun request's signal is costly, and most calls never need it.
      get signal() {
        return http.signal;
      },
    });
    return ctx.response ?? renderV1(ctx);
  };
}

/** The same handler under Hono, for paths the gateway's own matcher leaves to it (gateway/router.ts). */
export function v1Routes(handle: V1Handler): Hono<Env> {
  const app = new Hono<Env>();
  app.all('/:agency/:service/:operation', (c) =>
    handle(c.req.raw, c.env, { agency: c.req.param('agency'), service: c.req.param('service'), operation: c.req.param('operation') }));
  return app;
}
