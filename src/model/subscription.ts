import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';
import { parseIpEntry } from '../security/ip-allowlist.ts';

export const subscriptionStatuses = ['requested', 'approved', 'revoked', 'expired'] as const;

/** An entry the authorize stage can match (its own parser): one that cannot would silently deny every call. */
const ipEntry = z.string().trim().refine((e) => parseIpEntry(e) !== undefined, {
  error: (issue) => `"${String(issue.input).slice(0, 64)}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)`,
});

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
    ipAllowlist: z.array(ipEntry).default([]),
    /** Output fields hidden or masked for this subscription (personal data). */
    hideFields: z.array(z.string()).default([]),
    maskFields: z.array(z.string()).default([]),
  })
  .strict()
  .openapi('Subscription');
export type Subscription = z.infer<typeof Subscription>;
