import { z } from '@hono/zod-openapi';
import { operationSlug, slug } from './slug.ts';
import { parseIpEntry } from '../security/ip-allowlist.ts';

export const subscriptionStatuses = ['requested', 'approved', 'rejected', 'revoked', 'expired'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/** What happened to a subscription; a status name means it moved there. */
export const subscriptionActions = [...subscriptionStatuses, 'created', 'key_regenerated'] as const;

/** One step of a subscription's life: who did what and when (`system` for the expiry watch). */
export const HistoryEntry = z
  .object({
    at: z.string().datetime(),
    by: z.string().min(1).max(64),
    action: z.enum(subscriptionActions),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('SubscriptionHistoryEntry');
export type HistoryEntry = z.infer<typeof HistoryEntry>;

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
    /** The legal basis the requester names for processing the data (UU 27/2022), e.g. a regulation. */
    legalBasis: z.string().max(2000).default(''),
    expiresAt: z.string().datetime().optional(),
    /** The requester user it was asked for (an administrator may ask on a requester's behalf). */
    requestedBy: z.string().max(64).optional(),
    /** Every request and decision, oldest first; written by the admin API, never by a client. */
    history: z.array(HistoryEntry).default([]),
    /** The `expiresAt` whose 7-day warning was sent: each warning goes out once, again only for a new expiry. */
    expiryWarned: z.string().datetime().optional(),
    /** Requests per minute; 0 = unlimited. */
    rateLimit: z.number().int().min(0).default(0),
    /** Requests per day; 0 = unlimited. */
    quota: z.number().int().min(0).default(0),
    /** Requests per calendar month; 0 = unlimited. */
    monthlyQuota: z.number().int().min(0).default(0),
    ipAllowlist: z.array(ipEntry).default([]),
    /** Output fields hidden or masked for this subscription (personal data). */
    hideFields: z.array(z.string()).default([]),
    maskFields: z.array(z.string()).default([]),
    /** Verification mode: calls answer only whether the given facts match a record, never the record. */
    verify: z.boolean().default(false),
  })
  .strict()
  .openapi('Subscription');
export type Subscription = z.infer<typeof Subscription>;
