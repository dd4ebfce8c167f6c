import { Hono } from 'hono';
import type { FormatName } from '../../formats/types.ts';
import { getFormat } from '../../formats/index.ts';
import { GatewayError } from '../errors.ts';
import type { Call } from '../pipeline.ts';
import type { Registry } from '../registry.ts';
import { bodyParams, parsePairs, phpUrldecode, splitUrl } from '../request-params.ts';
import { renderCompat, renderCompatError } from './render.ts';
import { callInfo, type Env } from '../../app-env.ts';
import type { GatewayRoute } from '../router.ts';

/** The original's URL formats, plus Mantra's additions under the same grammar. */
export const compatFormats: Record<string, FormatName> = { json: 'json', xml: 'xml', api: 'serialize', serialize: 'serialize', php: 'php', csv: 'csv' };

export type CompatHandler = (req: Request, env: Env['Bindings'] | undefined, route: GatewayRoute & { format: FormatName }) => Promise<Response>;

/** MANTRA-compatible paths: /{json|xml|api|csv|php|serialize}/{agency}/{service}/{operation}[/{k=v&…}]. */
export function compatHandler(call: Call, registry: Registry): CompatHandler {
  return async (req, env, route) => {
    const { format } = route;
    const info = callInfo(env);
    await registry.ready();
    if (registry.settings.strictCompat && req.headers.get('user-agent') !== 'MANTRA') {
      return new Response('', { status: 200, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    }
    // Path parameters are parsed from the raw path, so an encoded "&" or "=" in a value stays a value.
    const url = splitUrl(req.url);
    const params: Record<string, string> = {};
    try {
      parsePairs(url.search, params);
      Object.assign(params, await bodyParams(req, registry.settings.maxBodyBytes));
    } catch (err) {
      if (err instanceof GatewayError) return renderCompatError(getFormat(format)!, err);
      throw err;
    }
    if (route.args) {
      // The path segment wins; its values are decoded twice, as the original did.
      const segment = parsePairs(url.path.slice(url.path.lastIndexOf('/') + 1));
      for (const [k, v] of Object.entries(segment)) params[k] = phpUrldecode(v);
    }
    const ctx = await call({
      interface: 'compat',
      agency: route.agency,
      service: route.service,
      operation: route.operation,
      params,
      key: req.headers.get('accesskey') ?? undefined,
      format,
      envelope: 'mantra',
      remote: info.remote,
      userAgent: req.headers.get('user-agent') ?? '',
      requestId: info.requestId,
      lang: 'id',
      // Lazy: reading a Bun request's signal is costly, and most calls never need it.
      get signal() {
        return req.signal;
      },
    });
    return renderCompat(ctx);
  };
}

/** The same handler under Hono, for paths the gateway's own matcher leaves to it (gateway/router.ts). */
export function compatRoutes(handle: CompatHandler): Hono<Env> {
  const app = new Hono<Env>();
  for (const [prefix, format] of Object.entries(compatFormats)) {
    app.all(`/${prefix}/:agency/:service/:operation/:args?`, (c) => handle(c.req.raw, c.env, {
      format, agency: c.req.param('agency')!, service: c.req.param('service')!, operation: c.req.param('operation')!,
      args: c.req.param('args'),
    }));
  }
  return app;
}
