import type { Context, MiddlewareHandler } from 'hono';
import { type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import { pickLang } from '../i18n/index.ts';
import type { AdminEnv } from './context.ts';
import { invalid, issuesFromZod, zodErrorMap } from './errors.ts';

export const ErrorBody = z
  .object({
    error: z.string().openapi({ example: 'validation' }),
    message: z.string().openapi({ example: 'Data tidak valid' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    currentVersion: z.number().int().optional().openapi({ description: 'On a version conflict: the version now stored' }),
    retryAfter: z.number().int().optional().openapi({ description: 'On 429: seconds to wait (also in Retry-After)' }),
    dependent: z.string().optional().openapi({ description: 'On in_use: the kind that still refers to the entry' }),
    count: z.number().int().optional(),
    reason: z.string().optional().openapi({ description: "On 502: the driver's error code, when it has one" }),
    totpRequired: z.boolean().optional().openapi({ description: 'On login: the password is right, send it again with `code`' }),
  })
  .openapi('Error');

const statusText: Record<number, string> = {
  400: 'Invalid input (issues name the fields)',
  401: 'Not signed in',
  403: 'Not allowed, missing CSRF token, or the password must be changed first',
  404: 'Not found',
  409: 'Conflict: exists already, changed meanwhile (currentVersion), or still in use',
  413: 'Request body larger than 1 MiB',
  429: 'Too many failed attempts (Retry-After)',
  502: 'The data source did not answer',
  503: 'Not available in this process',
  504: 'The other server did not answer in time',
};

export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: statusText[s], content: { 'application/json': { schema: ErrorBody } } }]),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function body<T extends z.ZodType>(schema: T) {
  // required: a missing body or Content-Type is validated (400) instead of silently becoming {}.
  return { content: { 'application/json': { schema } }, required: true };
}

type Target = 'json' | 'param' | 'query';

/** The validated input of a target, typed by the caller (the generic factory registers routes it builds at runtime). */
export function input<T>(c: Context, target: Target): T {
  return c.req.valid(target as never) as T;
}

/**
 * A validation hook for a route: on failure it validates again with zod messages in the caller's language and
 * throws a 400 whose issues name the fields. The second pass only runs on failures.
 */
function validationHook(route: RouteConfig) {
  const schemas: Partial<Record<string, z.ZodType>> = {
    json: (route.request?.body?.content?.['application/json'] as { schema?: z.ZodType } | undefined)?.schema,
    param: route.request?.params as z.ZodType | undefined,
    query: route.request?.query as z.ZodType | undefined,
  };
  return (result: { success: boolean; target: string; data?: unknown; error?: z.ZodError }, c: Context) => {
    if (result.success) return;
    const lang = pickLang(c.req.raw);
    const again = schemas[result.target]?.safeParse(result.data, { error: zodErrorMap(lang) });
    throw invalid(issuesFromZod((again?.error ?? result.error!).issues, lang));
  };
}

export type Handler = (c: Context<AdminEnv>) => Promise<Response>;

/** Declares a route in the OpenAPI document and registers it behind the given guards. */
export function register(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], route: RouteConfig, handler: Handler) {
  const security: Record<string, string[]>[] = guards.length ? [{ Bearer: [] }, { Cookie: [] }] : [];
  app.openapi({ ...route, security, middleware: guards } as RouteConfig, handler as never, validationHook(route) as never);
}
