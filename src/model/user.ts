import { z } from '@hono/zod-openapi';
import { slug } from './slug.ts';

export const roles = ['administrator', 'provider', 'publisher', 'requester', 'supervisor'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const User = z
  .object({
    username: z.string().min(2).max(64).regex(/^[A-Za-z0-9_.@-]+$/),
    fullName: z.string().max(200).default(''),
    email: z.string().email().optional(),
    role: Role,
    /** Providers, publishers and requesters act only within their agency. */
    agency: slug.optional(),
    /** scrypt hash (or an imported bcrypt hash, upgraded at the next login). Never returned by the API. */
    passwordHash: z.string().min(1),
    active: z.boolean().default(true),
    mustChangePassword: z.boolean().default(false),
    /** The language of the emails this user receives. */
    language: z.enum(['id', 'en']).default('id'),
    /** TOTP (RFC 6238) second factor; the secret is encrypted at rest. Never returned by the API. */
    totp: z
      .object({
        secret: z.string().min(1),
        /** False between enrolment and the first good code: login does not ask for codes yet. */
        confirmed: z.boolean().default(false),
        /** The last time step a code was accepted for: a code is good once. */
        lastStep: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('User');
export type User = z.infer<typeof User>;
