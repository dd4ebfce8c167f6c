import { z } from '@hono/zod-openapi';
import { scalar, slug } from './slug.ts';

/** MANTRA's backend styles plus a general REST form and SOAP. */
export const proxyStyles = ['rest', 'restfull', 'restfullpar', 'get', 'post', 'soap', 'http'] as const;

/** Where a parameter (caller-supplied or fixed) goes in the backend request. */
export const ProxyMapping = z
  .object({
    name: z.string().min(1),
    in: z.enum(['path', 'query', 'header', 'body']).default('query'),
    /** Caller parameter feeding it; absent = fixed `value`. */
    param: z.string().optional(),
    value: scalar.optional(),
  })
  .strict();

export const ProxyAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  /** MANTRA's own: `AccessKey` header with `User-Agent: MANTRA`. Secret encrypted at rest. */
  z.object({ type: z.literal('mantra'), accessKey: z.string() }).strict(),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string() }).strict(),
  z.object({ type: z.literal('apikey'), header: z.string().default('X-API-Key'), key: z.string() }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      tokenUrl: z.string().url(),
      clientId: z.string(),
      clientSecret: z.string(),
      scope: z.string().optional(),
    })
    .strict(),
]);

export const ProxySpec = z
  .object({
    style: z.enum(proxyStyles),
    /** Base URL of the backend; scheme, host and port come only from here, never from callers. */
    endpoint: z.string().url(),
    /** MANTRA styles: the backend's method name appended to the endpoint; http style: the HTTP method. */
    method: z.string().max(200).default(''),
    httpMethod: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    bodyType: z.enum(['json', 'form', 'xml']).default('json'),
    mappings: z.array(ProxyMapping).default([]),
    auth: ProxyAuth.default({ type: 'none' }),
    /** SOAP: WSDL location and operation; the WSDL is read when the operation is saved. */
    wsdl: z.string().url().optional(),
    soapOperation: z.string().optional(),
    soapVersion: z.enum(['1.1', '1.2']).default('1.1'),
    connectTimeoutMs: z.number().int().min(50).max(120_000).default(5_000),
    timeoutMs: z.number().int().min(50).max(600_000).default(30_000),
    retries: z.number().int().min(0).max(10).default(0),
    cacheTtlSeconds: z.number().int().min(0).default(0),
    /** MANTRA's fallback cache: serve the last good answer, marked, when the backend fails. */
    fallback: z.boolean().default(false),
    maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(16 * 1024 * 1024),
    /** Optional connector holding TLS settings (custom CA, client certificate). */
    connector: slug.optional(),
  })
  .strict()
  .openapi('ProxySpec');
export type ProxySpec = z.infer<typeof ProxySpec>;
