import { Hono } from 'hono';
import type { FormatName } from '../../formats/types.ts';
import { GatewayError } from '../errors.ts';
import type { Call } from '../pipeline.ts';
import type { Registry } from '../registry.ts';
import type { GatewayRequest } from '../types.ts';
import type { Settings } from '../../model/settings.ts';
import { splitUrl } from '../request-params.ts';
import { compatFormats, compatParams, compatRoute } from './grammar.ts';
import { renderCompat } from './render.ts';
import { callInfo, type Env } from '../../app-env.ts';

export { compatFormats } from './grammar.ts';

export type CompatHandler = (req: Request, env: Env['Bindings'] | undefined, format: FormatName) => Promise<Response>;

/**
 * The compatible grammar's part inside the pipeline: the strict-compatibility gate, then the parameters. Without a
 * key nothing is read: the original answers 10001 whatever the parameters or the body hold.
 */
function readCompat(req: GatewayRequest, settings: Settings) {
  if (settings.strictCompat && req.userAgent !== 'MANTRA') throw new GatewayError('strict_compat');
  if (!req.key) return;
  const params = compatParams(req.http!, req.args!, settings.maxBodyBytes);
  if (params instanceof Promise) return params.then((p) => void (req.params = p));
  req.params = params;
}

/** MANTRA-compatible paths: /{json|xml|api|csv|php|serialize}/{agency}/{service}/{operation}[/{k=v&…}]. */
export function compatHandler(call: Call, registry: Registry): CompatHandler {
  return async (http, env, format) => {
    const info = callInfo(env);
    const route = compatRoute(splitUrl(http.url).path);
    await registry.ready();
    const ctx = await call({
      interface: 'compat',
      agency: route.agency,
      service: route.service,
      operation: route.operation,
      args: route.args,
      params: {},
      http,
      read: readCompat,
      render: renderCompat,
      refuseEmpty: true,
      key: http.headers.get('accesskey') ?? undefined,
      format,
      envelope: 'mantra',
      remote: info.remote,
      userAgent: http.headers.get('user-agent') ?? '',
      requestId: info.requestId,
      lang: 'id',
      // Lazy: reading a Bun request's signal is costly, and most calls never need it.
      get signal() {
        return http.signal;
      },
    });
    return ctx.response ?? renderCompat(ctx);
  };
}

/** The same handler under Hono, for paths the gateway's own matcher leaves to it (gateway/router.ts). */
export function compatRoutes(handle: CompatHandler): Hono<Env> {
  const app = new Hono<Env>();
  for (const [prefix, format] of Object.entries(compatFormats)) {
    app.all(`/${prefix}/*`, (c) => handle(c.req.raw, c.env, format));
  }
  return app;
}
