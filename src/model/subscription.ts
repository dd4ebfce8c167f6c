import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';

export const subscriptionStatuses = ['requested', 'approved', 'revoked', 'expired'] as const;

/** A consumer's access to one operation. The key is stored only as a keyed hash. */
export const Subscription = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    consumer: z.string().min(1),
    agency: slug,
    service: slug,
    operation: operationSlug,
    status: z.enum(subscriptionStatuses).default('requested'),
    keyHash: z.string().min(1),
    /** First characters of the key, to tell keys apart in lists. */
    keyHint: z.string().max(8).default(''),
    purpose: z.string().max(2000).default(''),
    expiresAt: z.string().datetime().optional(),
    /** Requests per minute; 0 = unlimited. */
    rateLimit: z.number().int().min(0).default(0),
    /** Requests per day; 0 = unlimited. */
    quota: z.number().int().min(0).default(0),
    ipAllowlist: z.array(z.string()).default([]),
    /** Output fields hidden or masked for this subscription (personal data). */
    hideFields: z.array(z.string()).default([]),
    maskFields: z.array(z.string()).default([]),
  })
  .strict()
  .openapi('Subscription');
export type Subscription = z.infer<typeof Subscription>;
