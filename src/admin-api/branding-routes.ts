import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { Branding } from '../model/branding.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { json, register } from './openapi.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

const BrandingView = Branding.extend({ timeZone: z.string() }).openapi('BrandingView', {
  description: 'What the sign-in page and the public catalogue show before anyone signs in',
});

/** The installation's name, logo and time zone, for everyone (no sign-in): they are written with the settings. */
export function mountBrandingRoutes(app: OpenAPIHono<AdminEnv>, ctx: AdminContext) {
  register(app, [], createRoute({
    method: 'get', path: '/branding', tags: ['settings'], summary: 'Name, logo and time zone of the admin page (public)',
    responses: { 200: json(BrandingView, 'The branding; the time zone defaults to Asia/Jakarta') },
  }), async (c) => {
    const branding = (await ctx.store.get('settings', 'settings'))?.body.branding ?? {};
    return c.json({ ...branding, timeZone: branding.timeZone ?? DEFAULT_TIME_ZONE }, 200, { 'cache-control': 'no-cache' });
  });
}
