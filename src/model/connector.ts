import { z } from '@hono/zod-openapi';
import { slug } from './slug.ts';

export const databaseKinds = ['postgres', 'mysql', 'mssql', 'oracle', 'sqlite', 'dbf'] as const;
export const connectorKinds = [...databaseKinds, 'http', 'soap'] as const;
export const ConnectorKind = z.enum(connectorKinds);
export type ConnectorKind = z.infer<typeof ConnectorKind>;

/**
 * A configured data source. `password` is a secret: stored encrypted (an "enc:v1:" string),
 * never returned by the admin API, never logged.
 */
export const Connector = z
  .object({
    agency: slug,
    slug,
    kind: ConnectorKind,
    description: z.string().max(2000).default(''),
    host: z.string().max(255).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    database: z.string().max(255).optional(),
    user: z.string().max(255).optional(),
    password: z.string().max(4096).optional(),
    /** sqlite: the database file; dbf: the folder of .dbf files. */
    path: z.string().max(4096).optional(),
    /** dbf: code page of the files, e.g. cp1252, cp850, latin1. */
    encoding: z.string().max(32).optional(),
    ssl: z.enum(['disable', 'prefer', 'require', 'verify-full']).default('disable'),
    poolSize: z.number().int().min(1).max(100).default(5),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  .openapi('Connector');
export type Connector = z.infer<typeof Connector>;

/** Fields of a connector that hold secrets (encrypted at rest, write-only in the API). */
export const connectorSecrets = ['password'] as const;
