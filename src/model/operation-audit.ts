import { z } from '@hono/zod-openapi';

/**
 * What the audit trail keeps of an operation's calls beyond the default: parameter names and keyed hashes of
 * their values, never the answer.
 */
export const OperationAudit = z
  .object({
    /** Parameters whose values are kept readable (not personal data, e.g. a year or a region code). */
    keepParams: z.array(z.string().max(64)).max(50).default([]),
    /** Parameters of which only the name is kept, not even a keyed hash. */
    dropParams: z.array(z.string().max(64)).max(50).default([]),
    /** Keep every whole answer in the trail, encrypted with the master key (up to 256 KB each). */
    storeAnswers: z.boolean().default(false),
    /**
     * Sign every whole answer with the agency's Ed25519 key: a detached JWS in the `X-JWS-Signature` header,
     * verifiable with the key in /catalogue/jwks.json; the signature's digest goes into the track.
     */
    signAnswers: z.boolean().default(false),
  })
  .strict()
  .openapi('OperationAudit');
export type OperationAudit = z.infer<typeof OperationAudit>;
