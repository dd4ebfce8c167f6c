import { z } from '@hono/zod-openapi';
import { slug } from './slug.ts';

export const Agency = z
  .object({
    slug,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    email: z.string().email().optional(),
    website: z.string().url().optional(),
  })
  .strict()
  .openapi('Agency');
export type Agency = z.infer<typeof Agency>;
