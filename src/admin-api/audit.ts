import type { MiddlewareHandler } from 'hono';
import { log } from '../observability/log.ts';
import type { Tracker } from '../observability/tracker.ts';
import type { AdminEnv } from './context.ts';
import { toAdminError } from './errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Reads that hand out personal data are tracked like changes: a kept answer, decrypted. */
const SENSITIVE_READ = /^\/admin\/api\/audit\/tracks\/[^/]+\/answer$/;

/**
 * Tracks every unsafe admin request (and every read of a kept answer), whatever its outcome (refusals included: 400, 401, 403, 429…), as interface
 * `admin`: method and path, status, the signed-in user (`consumer`), the error key (`note`) and the caller's
 * address. Never the body: it may hold passwords, keys or secrets. The answer waits for its track, as calls do.
 */
export function auditTrail(tracker: Tracker): MiddlewareHandler<AdminEnv> {
  return async function auditTrail(c, next) {
    if (!UNSAFE.has(c.req.method) && !SENSITIVE_READ.test(c.req.path)) return next();
    const at = new Date().toISOString();
    const started = performance.now();
    await next();
    const env = c.env as { remoteAddress?: string; requestId?: string } | undefined;
    const path = c.req.path.replace(/^\/admin\/api(?=\/|$)/, '');
    try {
      await tracker.record({
        at,
        requestId: env?.requestId ?? crypto.randomUUID(),
        interface: 'admin',
        agency: c.get('user')?.agency ?? '',
        service: '',
        operation: `${c.req.method} ${path}`.slice(0, 300),
        consumer: c.get('user')?.username,
        remote: env?.remoteAddress ?? '',
        userAgent: (c.req.header('user-agent') ?? '').slice(0, 200),
        format: 'json',
        status: c.res.status,
        code: 0,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        note: c.error ? toAdminError(c.error).key : undefined,
      });
    } catch (err) {
      // The change is made (or refused) already: the answer stands, the missing evidence is logged loudly.
      log('error', 'admin track write failed', { requestId: env?.requestId, error: String(err) });
    }
  };
}
