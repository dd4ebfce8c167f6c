import { z } from '@hono/zod-openapi';

/** Agency, service, connector and consumer slugs: lowercase, URL-safe. */
export const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'slug: huruf kecil, angka, "_" atau "-", diawali huruf/angka');

/** Operation slugs must also be valid XML tag names (each row is an element named after the operation). */
export const operationSlug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'operation slug: letters, digits, "_" or "-", starting with a letter or "_" (a valid XML tag name)')
  .refine((s) => !/^xml/i.test(s), 'operation slug must not start with "xml"');

/** A database identifier as written in configuration (table or column), never caller input. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_$.]*$/, 'identifier: letters, digits, "_", "$", "." only');

export const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
