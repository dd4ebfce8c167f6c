import path from 'node:path';
import { z } from '@hono/zod-openapi';
import { Role } from './user.ts';
import { parseIpEntry } from '../security/ip-allowlist.ts';
import { MailTemplates, Smtp } from './mail-settings.ts';
import { Branding } from './branding.ts';

export const Settings = z
  .object({
    /** Answer only callers with `User-Agent: MANTRA` on the compatible paths, like the original. */
    strictCompat: z.boolean().default(false),
    /** Worker threads for connectors; null = cores − 1 on machines with more than 2 cores, else 0 (inline). */
    workers: z.number().int().min(0).max(64).nullable().default(null),
    language: z.enum(['id', 'en']).default('id'),
    maxBodyBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024),
    /**
     * Where callers reach Mantra (behind a reverse proxy: its public URL, with any path prefix); the WSDL's addresses
     * use it. Unset = the origin of the request that asked.
     */
    publicBaseUrl: z.string().max(2048).url().refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL').optional(),
    /** Backend hosts proxies may reach; empty = any. */
    backendAllowlist: z.array(z.string()).default([]),
    /**
     * Internal backends proxies may reach (loopback, link-local, metadata, the server's own addresses), entries as in
     * backendAllowlist; empty = none.
     */
    internalBackends: z.array(z.string()).default([]),
    /** Folders SQLite files and DBF folders may lie in; never the data directory. Empty = none (SQLite :memory: only). */
    fileRoots: z.array(z.string().refine((p) => path.isAbsolute(p), 'an absolute path')).default([]),
    /** Roles that may create or change data operations that write. */
    writeRoles: z.array(Role).default(['administrator', 'provider']),
    /**
     * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the caller; empty = the socket peer is
     * the caller, and X-Forwarded-For is ignored.
     */
    trustedProxies: z.array(z.string().trim().refine((e) => parseIpEntry(e) !== undefined, 'an IP address or CIDR range')).default([]),
    tracks: z.boolean().default(true),
    /**
     * How long the audit trail keeps entries, by age (days) and by size (megabytes); 0 = no limit. Applied every
     * hour; a signed checkpoint marks each cut, so the rest stays verifiable.
     */
    retention: z
      .object({ days: z.number().int().min(0).default(0), megabytes: z.number().int().min(0).default(0) })
      .strict()
      .default({ days: 0, megabytes: 0 }),
    /** Administrators must sign in with a TOTP code; one without enrols first. */
    totpRequiredForAdmins: z.boolean().default(false),
    /** The mail server for notifications; none = no mail is sent. */
    smtp: Smtp.optional(),
    /** Changed notification texts; an event or language left out keeps the built-in text. */
    mailTemplates: MailTemplates.default({}),
    /** Name, logo and time zone of the admin page (public: GET /admin/api/branding). */
    branding: Branding.optional(),
  })
  .strict()
  .openapi('Settings');
export type Settings = z.infer<typeof Settings>;
