import path from 'node:path';
import fs from 'node:fs';
import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { pickLang } from '../i18n/index.ts';
import { csvHeader, csvLine, ndjsonTrack, readPage } from '../audit/export.ts';
import { filterNames, type TrailFilters } from '../audit/filters.ts';
import { loadParamKey, loadPublicKey, PUBLIC_KEY_FILE } from '../audit/keys.ts';
import { problemText } from '../audit/messages.ts';
import { paramHasher, type ParamHasher } from '../audit/param-hash.ts';
import { subjectReport } from '../audit/subject.ts';
import { verifyStored } from '../audit/verify-trail.ts';
import { decodeLine } from '../store/track-line.ts';
import { Evidence } from '../audit/evidence.ts';
import type { TrailReader } from '../store/trail-types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { requireRole } from './policy.ts';

const tags = ['audit'];
const text = (description: string) => z.string().optional().openapi({ description });

const Filters = {
  agency: text('Agency slug'),
  service: text('Service slug'),
  operation: text('Operation slug, or agency/service/operation'),
  consumer: text('Consumer (agency/slug), or the user of an admin request'),
  interface: text('compat, v1, soap, admin, oauth'),
  status: text('An HTTP status, or ok / error'),
  from: text('ISO time: tracks that started at or after it'),
  to: text('ISO time: tracks that started before it'),
};

const PageQuery = z.object({
  ...Filters,
  after: z.coerce.number().int().min(0).default(0).openapi({ description: 'The `next` of the previous page (0: from the start)' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'ndjson', 'csv']).default('json').openapi({
    description: 'ndjson and csv answer the page as lines, the next cursor in X-Mantra-Next (absent at the end)',
  }),
});

const Track = z.record(z.string(), z.unknown()).openapi('AuditTrack', {
  description: 'A track as exported: its fields, `prevHash`, `hash` and the `line` the hash covers (SHA-256 of prevHash + "[" + the line after its first comma)',
});

const ChainFields = {
  ok: z.boolean(),
  tracks: z.number().int(),
  first: z.number().int().optional(),
  last: z.number().int().optional(),
  checkpoints: z.number().int(),
  lastCheckpoint: z.object({ seq: z.number().int(), at: z.string() }).optional(),
  cut: z.number().int().optional(),
  unsigned: z.number().int().openapi({ description: 'Entries after the last checkpoint, not yet under a signature' }),
  partial: z.boolean(),
  problem: z.object({
    kind: z.string(), seq: z.number().int(), requestId: z.string().optional(), from: z.number().int().optional(),
    detail: z.string().optional(), node: z.string().optional().openapi({ description: 'A cluster: the node whose chain it is' }),
    message: z.string(),
  }).optional().openapi({ description: 'The first bad entry or checkpoint' }),
};

const Report = z.object({
  ...ChainFields,
  chains: z.array(z.object({ ...ChainFields, node: z.string(), keyIds: z.array(z.string()) })).optional()
    .openapi({ description: 'A cluster: one chain per node, each verified with its node\'s keys' }),
}).openapi('AuditVerifyReport');

const Checkpoints = z.object({
  keyId: z.string(),
  publicKey: z.string().openapi({ description: 'The Ed25519 public key (PEM) that verifies the checkpoints and an export' }),
  checkpoints: z.array(z.object({
    seq: z.number().int(), kind: z.enum(['periodic', 'cut']), at: z.string(), hash: z.string(), keyId: z.string(), signature: z.string(),
  })),
}).openapi('AuditCheckpoints');

const SubjectCall = z.object({
  seq: z.number().int(), at: z.string(), requestId: z.string(), interface: z.string(), agency: z.string(), service: z.string(),
  operation: z.string(), consumer: z.string().optional(), subscription: z.string().optional(), remote: z.string(),
  purpose: z.string().optional(), legalBasis: z.string().optional(), status: z.number().int(), code: z.number().int(),
  params: z.array(z.string()).openapi({ description: 'The parameters that held the value' }),
});

/** Reads the trail on a connection of its own (a snapshot) and closes it whatever happens. */
async function withTrail<T>(ctx: AdminContext, fn: (trail: TrailReader) => Promise<T>): Promise<T> {
  const trail = await ctx.store.trail();
  try {
    return await fn(trail);
  } finally {
    await trail.close();
  }
}

/**
 * The audit trail for administrators and supervisors: pages of the export with the CLI's filters, verification of
 * the whole chain, the signed checkpoints with the public key; for administrators only, the data-subject report
 * (every call that asked about one value, e.g. a NIK) and the answers an operation keeps, decrypted.
 */
export function mountAuditRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const readers = [...guards, requireRole('administrator', 'supervisor')];
  const admins = [...guards, requireRole('administrator')];
  const publicKeyFile = path.join(ctx.dataDir, PUBLIC_KEY_FILE);
  let hasher: ParamHasher | undefined;

  register(app, readers, createRoute({
    method: 'get', path: '/audit/tracks', tags, summary: 'A page of the audit trail, filtered (administrators, supervisors)',
    request: { query: PageQuery },
    responses: {
      200: json(z.object({ items: z.array(Track), next: z.number().int().optional() }), 'The matching tracks in seq order'),
      ...errors(400, 401, 403),
    },
  }), async (c) => {
    const q = input<z.infer<typeof PageQuery>>(c, 'query');
    const filters: TrailFilters = {};
    for (const name of filterNames) if (q[name]) filters[name] = q[name];
    const page = await withTrail(ctx, (trail) => readPage(trail, filters, q.after, q.limit));
    if (q.format === 'json') return c.json(page, 200);
    const headers: Record<string, string> = page.next === undefined ? {} : { 'x-mantra-next': String(page.next) };
    if (q.format === 'csv') {
      return c.body(csvHeader() + page.items.map(csvLine).join(''), 200, { ...headers, 'content-type': 'text/csv; charset=utf-8' });
    }
    return c.body(page.items.map(ndjsonTrack).join(''), 200, { ...headers, 'content-type': 'application/x-ndjson' });
  });

  register(app, readers, createRoute({
    method: 'get', path: '/audit/verify', tags,
    summary: 'Verify the whole trail: hash chain and signed checkpoints; names the first bad entry (administrators, supervisors)',
    responses: { 200: json(Report, 'The verification; ok false names the first bad entry'), ...errors(401, 403) },
  }), async (c) => {
    const key = loadPublicKey(publicKeyFile);
    const report = await withTrail(ctx, (trail) => verifyStored(trail, key, { yieldEvery: true, node: ctx.store.node }));
    const lang = pickLang(c.req.raw);
    const problem = report.problem && { ...report.problem, message: problemText(report, lang)! };
    const chains = report.chains?.map((r) => ({ ...r, problem: r.problem && { ...r.problem, message: problemText(r, lang)! } }));
    return c.json({ ...report, problem, chains }, 200);
  });

  register(app, readers, createRoute({
    method: 'get', path: '/audit/checkpoints', tags,
    summary: 'The signed checkpoints and the public key: keep the latest elsewhere to notice a truncated tail (administrators, supervisors)',
    responses: { 200: json(Checkpoints, 'Every checkpoint, oldest first'), ...errors(401, 403) },
  }), async (c) => {
    const { keyId } = loadPublicKey(publicKeyFile);
    const checkpoints = await withTrail(ctx, (trail) => trail.checkpoints());
    return c.json({ keyId, publicKey: fs.readFileSync(publicKeyFile, 'utf8'), checkpoints }, 200);
  });

  register(app, admins, createRoute({
    method: 'post', path: '/audit/subject', tags,
    summary: 'Data-subject access report: every call whose parameters held this value (administrators)',
    description: 'The value is looked up by its keyed hash; the trail never holds it. This request is tracked, without the value.',
    request: { body: body(z.object({ value: z.string().min(1).max(1000) }).strict()) },
    responses: {
      200: json(z.object({ calls: z.array(SubjectCall), truncated: z.boolean() }), 'Who asked, when, for what purpose'),
      ...errors(400, 401, 403),
    },
  }), async (c) => {
    const { value } = input<{ value: string }>(c, 'json');
    hasher ??= paramHasher(loadParamKey(ctx.dataDir));
    return c.json(await withTrail(ctx, (trail) => subjectReport(trail, hasher!, value)), 200);
  });

  register(app, admins, createRoute({
    method: 'get', path: '/audit/tracks/{seq}/answer', tags,
    summary: 'The answer a track kept (operations that keep answers), decrypted and checked against its digest (administrators)',
    request: { params: z.object({ seq: z.coerce.number().int().min(1) }) },
    responses: {
      200: json(z.object({
        seq: z.number().int(), digest: z.string(), intact: z.boolean().openapi({ description: 'The answer matches the digest the chain covers' }),
        answer: z.string(),
      }), 'The answer as sent (UTF-8)'),
      ...errors(401, 403, 404),
    },
  }), async (c) => {
    const { seq } = input<{ seq: number }>(c, 'param');
    const row = await withTrail(ctx, (trail) => trail.row(seq));
    const t = row && decodeLine(row.line);
    if (!t?.answer) throw new AdminError(404, 'not_found', { kind: 'answer', id: String(seq) });
    const bytes = Buffer.from(ctx.secrets.decrypt(t.answer), 'base64');
    const digest = t.answerDigest ?? '';
    return c.json({ seq, digest, intact: Evidence.digest(bytes) === digest, answer: bytes.toString('utf8') }, 200);
  });
}
