import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { rootRefused } from '../../connectors/file-access.ts';
import { pickLang } from '../i18n/index.ts';
import { Smtp } from '../model/mail-settings.ts';
import { Settings } from '../model/settings.ts';
import { StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid, parseOrThrow } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { requireRole } from './policy.ts';
import { redactSecrets, sealSecrets } from './secret-fields.ts';

const SettingsView = Settings.extend({
  smtp: Smtp.omit({ password: true }).extend({ passwordSet: z.boolean() }).optional(),
  version: z.number().int().openapi({ description: '0 while nothing was saved (the defaults are shown)' }),
  updatedAt: z.string().optional(),
}).openapi('SettingsView', { description: 'The SMTP password is never shown: `smtp.passwordSet` stands in its place.' });

const SettingsUpdate = Settings.extend({
  smtp: Smtp.extend({ passwordSet: z.boolean().optional() }).optional(),
  version: z.number().int().min(0).openapi({ description: 'The version that was read (0 when none was stored)' }),
  updatedAt: z.string().optional(),
}).strict().openapi('SettingsUpdate', {
  description: 'The whole settings document: a field left out takes its default. An SMTP password left out or empty keeps the stored one.',
});

/** The installation's settings: administrators change them, supervisors read them; they apply without restart. */
export function mountSettingsRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const { store } = ctx;
  const tags = ['settings'];
  const view = (body: Settings, version: number, updatedAt?: string) => {
    const shown = redactSecrets('settings', body);
    const smtp = shown.smtp as Record<string, unknown> | undefined;
    if (smtp) smtp.passwordSet ??= false;
    return { ...shown, version, ...(updatedAt ? { updatedAt } : {}) };
  };

  register(app, [...guards, requireRole('administrator', 'supervisor')], createRoute({
    method: 'get', path: '/settings', tags, summary: 'The settings (administrators, supervisors)',
    responses: { 200: json(SettingsView, 'The settings'), ...errors(401, 403) },
  }), async (c) => {
    const stored = await store.get('settings', 'settings');
    return c.json(view(stored?.body ?? Settings.parse({}), stored?.version ?? 0, stored?.updatedAt), 200);
  });

  register(app, [...guards, requireRole('administrator')], createRoute({
    method: 'put', path: '/settings', tags,
    summary: 'Replace the settings (administrators); a stale version answers 409',
    request: { body: body(SettingsUpdate) },
    responses: { 200: json(SettingsView, 'Saved'), ...errors(400, 401, 403, 409, 413) },
  }), async (c) => {
    const { version, updatedAt: _, smtp, ...fields } = input<z.infer<typeof SettingsUpdate>>(c, 'json');
    const stored = await store.get('settings', 'settings');
    const current = stored?.version ?? 0;
    if (version !== current) {
      throw new AdminError(409, 'version_conflict', { kind: 'settings', id: 'settings', current, given: version }, { currentVersion: current });
    }
    const { passwordSet: __, ...server } = smtp ?? ({} as { passwordSet?: boolean });
    const draft = sealSecrets('settings', { ...fields, ...(smtp ? { smtp: server } : {}) }, ctx.secrets, stored?.body);
    const settings = parseOrThrow(Settings, draft, pickLang(c.req.raw));
    const refused = settings.fileRoots.flatMap((root, i) => (rootRefused(root, ctx.dataDir) ? [{ path: `fileRoots.${i}`, key: 'data_dir_root' as const }] : []));
    if (refused.length) throw invalid(refused);
    try {
      const saved = await store.put('settings', settings, current);
      return c.json(view(saved.body, saved.version, saved.updatedAt), 200);
    } catch (err) {
      if (err instanceof StoreError && (err.reason === 'version' || err.reason === 'conflict')) throw new AdminError(409, 'changed_meanwhile');
      throw err;
    }
  });
}
