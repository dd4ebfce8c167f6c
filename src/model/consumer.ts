import { z } from '@hono/zod-openapi';
import { slug } from './slug.ts';

/** An application of a requester agency that calls operations. */
export const Consumer = z
  .object({
    agency: slug,
    slug,
    name: z.string().max(200).default(''),
    contact: z.string().max(200).optional(),
    /** The requester user owning it (MANTRA: the order's userlog). */
    owner: z.string().optional(),
    /**
     * Keyed hash of the consumer's application key: one key for all its approved subscriptions (security/app-key.ts).
     * Set only through the admin API's app-key route, shown once; never returned.
     */
    keyHash: z.string().min(1).optional(),
    /** First characters of the application key, to tell keys apart in lists. */
    keyHint: z.string().max(8).optional(),
  })
  .strict()
  .openapi('Consumer');
export type Consumer = z.infer<typeof Consumer>;
