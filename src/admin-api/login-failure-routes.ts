import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Role } from '../model/user.ts';
import type { AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { errors, json, register } from './openapi.ts';
import type { LoginThrottle } from './throttle.ts';

const ms = (description: string) => z.number().int().openapi({ description: `Unix time in ms: ${description}` });
const Entry = {
  failures: z.number().int(),
  lastFailureAt: ms('the last failure'),
  until: ms('until then tries are refused (pairs, addresses) or slowed (users), unless failures go on'),
};
const address = z.string().openapi({ description: 'The caller: an IPv4 address or an IPv6 /64' });
const LoginFailures = z
  .object({
    window: z.object({
      since: ms('the start of the current window'),
      attempts: z.number().int().openapi({ description: 'Failed and refused sign-ins in it' }),
    }),
    pairs: z.array(z.object({ username: z.string(), address, ...Entry })),
    addresses: z.array(z.object({ address, ...Entry })),
    users: z.array(z.object({
      username: z.string(),
      delayMs: z.number().int().openapi({ description: 'How long each try for this account waits; it is never refused' }),
      ...Entry,
    })),
  })
  .openapi('LoginFailures');

const watchers = new Set<Role>(['administrator', 'supervisor']);
const watchersOnly: MiddlewareHandler<AdminEnv> = async function watchersOnly(c, next) {
  if (!watchers.has(c.get('user').role)) throw new AdminError(403, 'forbidden');
  await next();
};

/** What the login throttle holds back now, so that administrators see an attack while it goes on. */
export function mountLoginFailureRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], throttle: LoginThrottle) {
  register(app, [...guards, watchersOnly], createRoute({
    method: 'get', path: '/security/login-failures', tags: ['security'],
    summary: 'Sign-ins held back now: (user, address) pairs and addresses refused, accounts slowed (administrators, supervisors)',
    responses: { 200: json(LoginFailures, 'The throttled pairs, addresses and accounts, most failures first'), ...errors(401, 403) },
  }), async (c) => c.json(throttle.throttled(), 200));
}
