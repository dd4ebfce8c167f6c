import { z } from '@hono/zod-openapi';
import { slug } from './slug.ts';

export const Service = z
  .object({
    agency: slug,
    slug,
    name: z.string().max(200).default(''),
    description: z.string().max(4000).default(''),
  })
  .strict()
  .openapi('Service');
export type Service = z.infer<typeof Service>;
