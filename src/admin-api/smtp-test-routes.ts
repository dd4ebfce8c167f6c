import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { pickLang } from '../i18n/index.ts';
import { Mailer } from '../notifications/mailer.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, t } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { requireRole } from './policy.ts';
import { currentSettings } from './confinement.ts';

const TestMail = z.object({ to: z.string().email() }).strict().openapi('SmtpTest');

/** Only a mail library's or socket's error code leaves (EAUTH, ECONNREFUSED, ETIMEDOUT…): messages may name hosts. */
function safeReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_-]{2,40}$/.test(code) ? code : undefined;
}

/** A test mail through the saved SMTP settings, so an administrator sees at once whether notifications will arrive. */
export function mountSmtpTestRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  register(app, [...guards, requireRole('administrator')], createRoute({
    method: 'post', path: '/settings/smtp-test', tags: ['settings'],
    summary: 'Send a test mail through the saved SMTP settings (administrators)',
    request: { body: body(TestMail) },
    responses: { 200: json(z.object({ sent: z.literal(true) }), 'The mail server took the mail'), ...errors(400, 401, 403, 409, 502) },
  }), async (c) => {
    const { to } = input<z.infer<typeof TestMail>>(c, 'json');
    const { smtp } = await currentSettings(ctx);
    if (!smtp) throw new AdminError(409, 'smtp_missing');
    const lang = pickLang(c.req.raw);
    const mailer = new Mailer(ctx.secrets);
    try {
      await mailer.send(smtp, { to, subject: t(lang, 'mail_test_subject'), text: t(lang, 'mail_test_text', { user: c.get('user').username }) });
    } catch (err) {
      const reason = safeReason(err);
      throw new AdminError(502, 'mail_failed', {}, reason ? { reason } : {});
    } finally {
      mailer.close();
    }
    return c.json({ sent: true as const }, 200);
  });
}
