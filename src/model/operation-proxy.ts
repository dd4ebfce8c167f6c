import { z } from '@hono/zod-openapi';
import { scalar, slug } from './slug.ts';

/** MANTRA's backend styles plus a general REST form and SOAP. */
export const proxyStyles = ['rest', 'restfull', 'restfullpar', 'get', 'post', 'soap', 'http'] as const;

/** An http(s) URL; other schemes (file:, ftp:, javascript:) are never fetched. */
const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'URL harus http:// atau https://');

/** Where a parameter (caller-supplied or fixed) goes in the backend request. */
export const ProxyMapping = z
  .object({
    /** Name in the backend request: query/form/header name, `{name}` path placeholder, JSON/XML field ("a.b" nests). */
    name: z.string().min(1).max(200),
    /** MANTRA styles ignore it (the style decides) except `header`. */
    in: z.enum(['path', 'query', 'header', 'body']).default('query'),
    /** Caller parameter feeding it; absent = fixed `value`. A missing caller value falls back to `value`. */
    param: z.string().optional(),
    value: scalar.optional(),
  })
  .strict();
export type ProxyMapping = z.infer<typeof ProxyMapping>;

/** Backend credentials. Secrets (accessKey, password, token, key, clientSecret) are encrypted at rest. */
export const ProxyAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  /** MANTRA's own: `AccessKey` header with `User-Agent: MANTRA`. */
  z.object({ type: z.literal('mantra'), accessKey: z.string() }).strict(),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }).strict(),
  z.object({ type: z.literal('bearer'), token: z.string() }).strict(),
  z.object({ type: z.literal('apikey'), header: z.string().default('X-API-Key'), key: z.string() }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      tokenUrl: httpUrl,
      clientId: z.string(),
      clientSecret: z.string(),
      scope: z.string().optional(),
      audience: z.string().optional(),
      /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1): Basic header or form fields. */
      clientAuth: z.enum(['basic', 'body']).default('basic'),
    })
    .strict(),
]);
export type ProxyAuth = z.infer<typeof ProxyAuth>;

/** TLS material as PEM text: a private CA for the backend, and a client certificate for mutual TLS. `key` is a secret. */
export const ProxyTls = z
  .object({
    ca: z.string().max(256 * 1024).optional(),
    cert: z.string().max(256 * 1024).optional(),
    key: z.string().max(64 * 1024).optional(),
  })
  .strict()
  .refine((t) => !t.cert === !t.key, { message: 'cert and key go together', path: ['key'] });

export const ProxyBreaker = z
  .object({
    /** Consecutive failures (network, timeout, 5xx, unreadable reply) that open the circuit; 0 = no breaker. */
    failures: z.number().int().min(0).max(1000).default(5),
    /** How long the circuit stays open before one trial call is let through (half-open). */
    coolDownMs: z.number().int().min(100).max(3_600_000).default(30_000),
  })
  .strict();

export const ProxyHealth = z
  .object({
    /** Probed with GET; 2xx/3xx = healthy. Its host passes the same allowlist as the endpoint. */
    url: httpUrl.optional(),
    /** 0 = no active checks. */
    intervalMs: z.number().int().min(0).max(3_600_000).default(0),
    timeoutMs: z.number().int().min(50).max(60_000).default(2_000),
  })
  .strict();

/** Which backend response headers reach the caller: names or `prefix*` patterns, case-insensitive; drop wins. */
export const ProxyResponseHeaders = z
  .object({
    pass: z.array(z.string().min(1).max(200)).default([]),
    drop: z.array(z.string().min(1).max(200)).default([]),
  })
  .strict();

export const ProxySpec = z
  .object({
    style: z.enum(proxyStyles),
    /**
     * Base URL of the backend; scheme, host and port come only from here, never from callers.
     * Empty only for operations imported from MANTRA without one: they answer 10003 like the original.
     */
    endpoint: z.union([z.literal(''), httpUrl]).default(''),
    /**
     * MANTRA styles and http: a path appended to the endpoint (http: may hold `{name}` placeholders);
     * soap: the operation, in MANTRA's form `operation[#deep[#resultKey]]`.
     */
    method: z.string().max(200).default(''),
    /** http style: the HTTP method. */
    httpMethod: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    /** http style: how `body` mappings are sent. */
    bodyType: z.enum(['json', 'form', 'xml']).default('json'),
    /** http style with bodyType xml: the root element of the request body. */
    xmlRoot: z.string().max(200).default('request'),
    /** Empty = every caller parameter, in the style's place (http: query for GET/HEAD/DELETE, body otherwise). */
    mappings: z.array(ProxyMapping).default([]),
    auth: ProxyAuth.default({ type: 'none' }),
    /** SOAP: WSDL location (default: endpoint + "?wsdl", as MANTRA did) and operation (default: from `method`). */
    wsdl: httpUrl.optional(),
    soapOperation: z.string().max(200).optional(),
    soapVersion: z.enum(['1.1', '1.2']).default('1.1'),
    /** SOAP: the operation is safe to repeat, so failed calls may be retried. */
    soapIdempotent: z.boolean().default(false),
    /** How the reply is read: auto-detected JSON / XML / PHP serialize, or forced; `text` = the body as a string. */
    replyFormat: z.enum(['auto', 'json', 'xml', 'serialize', 'text']).default('auto'),
    /** Limit until the backend's response headers arrive (connect, TLS and the backend's first answer). */
    connectTimeoutMs: z.number().int().min(50).max(120_000).default(10_000),
    /** Limit for the whole call, retries included. */
    timeoutMs: z.number().int().min(50).max(600_000).default(30_000),
    /** Extra attempts, only for idempotent calls (GET, HEAD, PUT, DELETE, SOAP marked idempotent). */
    retries: z.number().int().min(0).max(10).default(0),
    /** Backoff before retry n: about retryBaseMs·2^(n-1), half of it random (jitter), at most retryMaxMs. */
    retryBaseMs: z.number().int().min(1).max(60_000).default(100),
    retryMaxMs: z.number().int().min(1).max(300_000).default(2_000),
    breaker: ProxyBreaker.prefault({}),
    health: ProxyHealth.prefault({}),
    cacheTtlSeconds: z.number().int().min(0).default(0),
    /** Distinct backend requests kept for the TTL and fallback caches. */
    cacheMaxEntries: z.number().int().min(1).max(100_000).default(1_000),
    /** MANTRA's fallback cache: serve the last good answer, marked, when the backend fails. */
    fallback: z.boolean().default(false),
    /** Oldest answer the fallback may serve; 0 = no limit. */
    fallbackMaxAgeSeconds: z.number().int().min(0).default(0),
    maxResponseBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(16 * 1024 * 1024),
    responseHeaders: ProxyResponseHeaders.prefault({}),
    tls: ProxyTls.prefault({}),
    /** Optional connector holding TLS settings (custom CA, client certificate). */
    connector: slug.optional(),
  })
  .strict()
  .openapi('ProxySpec');
export type ProxySpec = z.infer<typeof ProxySpec>;
/** What createProxyInvoker / prepareProxy accept: a parsed spec or raw configuration (defaults applied once). */
export type ProxySpecInput = z.input<typeof ProxySpec>;

/** Fields of a proxy spec that hold secrets (encrypted at rest, write-only in the API). */
export const proxySecrets = ['auth.accessKey', 'auth.password', 'auth.token', 'auth.key', 'auth.clientSecret', 'tls.key'] as const;
