import { z } from '@hono/zod-openapi';

/** A time zone the runtime knows (IANA name, e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura). */
const timeZone = z.string().max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone, e.g. Asia/Jakarta');

/** How the installation presents itself on the admin page and the catalogue: public, no secrets. */
export const Branding = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    /** A small image as a data: URL (PNG, JPEG, GIF, WebP or SVG), shown in the page's header. */
    logo: z.string().max(400_000).regex(/^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+=*$/, 'a data:image/…;base64 URL').optional(),
    /** Dates on the admin page are shown in this zone; default Asia/Jakarta. */
    timeZone: timeZone.optional(),
  })
  .strict()
  .openapi('Branding');
export type Branding = z.infer<typeof Branding>;
