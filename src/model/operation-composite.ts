import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';

/** A step calls another operation; steps run concurrently unless one `needs` another's output. */
export const CompositeStep = z
  .object({
    name: operationSlug,
    agency: slug,
    service: slug,
    operation: operationSlug,
    /** Step parameter ← JSONata expression over { params, steps }. */
    params: z.record(z.string(), z.string()).default({}),
    needs: z.array(operationSlug).default([]),
    timeoutMs: z.number().int().min(10).max(600_000).default(10_000),
    optional: z.boolean().default(false),
  })
  .strict();

export const CompositeSpec = z
  .object({
    steps: z.array(CompositeStep).min(1).max(32),
    /** JSONata expression shaping the merged answer. */
    expression: z.string().max(20_000).optional(),
  })
  .strict()
  .openapi('CompositeSpec');
export type CompositeSpec = z.infer<typeof CompositeSpec>;
