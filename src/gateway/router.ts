import type { Env } from '../app-env.ts';
import { type CompatHandler, compatFormats } from './compat/routes.ts';
import type { V1Handler } from './v1/routes.ts';
import { splitUrl } from './request-params.ts';

/** Where a caller-interface path points. */
export interface GatewayRoute {
  agency: string;
  service: string;
  operation: string;
  /** The compatible paths' `k=v&…` segment. */
  args?: string;
}

const formats = new Map(Object.entries(compatFormats));

/**
 * Matches the caller interfaces' everyday paths by hand, `/v1/{a}/{s}/{o}` and `/{format}/{a}/{s}/{o}[/{args}]`,
 * and hands them to the same handlers Hono mounts, skipping its router and context (a few µs of every call).
 * Anything less plain (percent-escapes, empty segments, a trailing slash) is left to Hono, which stays the
 * reference for the routes: test/gateway/router.test.ts checks both give the same answers.
 */
export function gatewayRouter(compat: CompatHandler, v1: V1Handler) {
  return function route(req: Request, env: Env['Bindings'] | undefined): Promise<Response> | undefined {
    const { path } = splitUrl(req.url);
    if (path.includes('%')) return undefined;
    const parts = path.split('/');
    if (parts.length < 5 || parts.length > 6 || !parts[2] || !parts[3] || !parts[4]) return undefined;
    const [, prefix, agency, service, operation, args] = parts;
    if (prefix === 'v1') return parts.length === 5 ? v1(req, env, { agency, service, operation }) : undefined;
    const format = formats.get(prefix);
    if (!format || args === '') return undefined;
    return compat(req, env, { format, agency, service, operation, args });
  };
}
