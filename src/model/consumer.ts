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
  })
  .strict()
  .openapi('Consumer');
export type Consumer = z.infer<typeof Consumer>;
