import type { Env } from '../app-env.ts';
import type { CompatHandler } from './compat/routes.ts';
import { compatFormatOf } from './compat/grammar.ts';
import type { V1Handler } from './v1/routes.ts';
import type { SoapHandler } from './soap/routes.ts';
import { splitUrl } from './request-params.ts';

/**
 * Matches the caller interfaces' paths by hand and hands them to the same handlers Hono mounts, skipping its
 * router and context (a few µs of every call): every `/{format}/…` path (the compatible grammar splits the rest
 * itself, as the original did), the plain `/v1/{a}/{s}/{o}` and `/soap/{a}/{s}`. A v1 or SOAP path with
 * percent-escapes or empty segments is left to Hono, which stays the reference for the routes:
 * test/gateway/router.test.ts checks both answer alike.
 */
export function gatewayRouter(compat: CompatHandler, v1: V1Handler, soap: SoapHandler) {
  return function route(req: Request, env: Env['Bindings'] | undefined): Promise<Response> | undefined {
    const { path } = splitUrl(req.url);
    const format = compatFormatOf(path);
    if (format) return compat(req, env, format);
    if (path.startsWith('/soap/') && !path.includes('%')) {
      const [, , agency, service, extra] = path.split('/');
      if (agency && service && extra === undefined) return soap(req, env, { agency, service });
    }
    if (!path.startsWith('/v1/') || path.includes('%')) return undefined;
    const parts = path.split('/');
    if (parts.length !== 5 || !parts[2] || !parts[3] || !parts[4]) return undefined;
    return v1(req, env, { agency: parts[2], service: parts[3], operation: parts[4] });
  };
}
