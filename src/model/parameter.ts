import { z } from '@hono/zod-openapi';
import { identifier, scalar } from './slug.ts';

export const paramTypes = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const;

/** A caller parameter of an operation: typed, validated, described in OpenAPI and WSDL. */
export const Parameter = z
  .object({
    name: identifier,
    type: z.enum(paramTypes).default('string'),
    required: z.boolean().default(true),
    default: scalar.optional(),
    description: z.string().max(1000).default(''),
    pattern: z.string().max(500).optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).max(65_536).default(1024),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .openapi('Parameter');
export type Parameter = z.infer<typeof Parameter>;
