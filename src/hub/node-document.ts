/**
 * A node's gateway OpenAPI document (catalogue/openapi.ts writes it) read back into the operations the hub fronts:
 * each `/v1/{agency}/{service}/{operation}` path with its GET parameters, typed as the node declared them. Only
 * what a Mantra node writes is accepted; anything else is a clear refusal naming the place in the document.
 */
import { z } from '@hono/zod-openapi';
import type { Lang } from '../i18n/index.ts';
import { Parameter } from '../model/parameter.ts';
import { identifier, operationSlug, scalar, slug } from '../model/slug.ts';
import { HubError, type HubIssue, hubText } from './messages.ts';

/** More paths than any node publishes; a bound on what one import does. */
export const MAX_OPERATIONS = 5000;

const ParamSchema = z.object({
  type: z.string().max(40),
  format: z.string().max(40).optional(),
  pattern: z.string().max(520).optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).max(65_536).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  default: scalar.optional(),
});

const DocParameter = z.object({
  name: identifier,
  in: z.literal('query'),
  required: z.boolean().optional(),
  description: z.string().max(1000).optional(),
  schema: ParamSchema,
});

const DocOperation = z.object({
  summary: z.string().max(4000).optional(),
  parameters: z.array(DocParameter).max(200).default([]),
});

const NodeDocument = z.object({
  openapi: z.string().regex(/^3\.\d+(\.\d+)?$/),
  paths: z.record(z.string().max(300), z.object({ get: DocOperation })),
});

/** One operation the node publishes, as the hub will front it. */
export interface NodeOperation {
  /** The node's own agency, service and operation (the hub keeps service and operation). */
  agency: string;
  service: string;
  slug: string;
  description: string;
  params: Parameter[];
  /** Where it stands in the document, for messages. */
  where: string;
}

const V1_PATH = /^\/v1\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** catalogue/openapi.ts adds these three to data operations for v1 paging; they are not operation parameters. */
const PAGING = new Set(['limit', 'offset', 'cursor']);
const isPaging = (p: z.infer<typeof DocParameter>) => PAGING.has(p.name) && p.required === undefined && p.description === undefined;

/** The declared type back from its JSON Schema (catalogue/openapi.ts paramSchema, read the other way). */
function typeOf(s: z.infer<typeof ParamSchema>): Parameter['type'] | undefined {
  if (s.type === 'string') return s.format === 'date' ? 'date' : s.format === 'date-time' ? 'datetime' : s.format ? undefined : 'string';
  if (s.format) return undefined;
  return (['integer', 'number', 'boolean'] as const).find((t) => t === s.type);
}

/** The node writes a pattern p as `^(?:p)$`; the hub stores p, as the node does. */
function patternOf(written: string): string {
  const m = /^\^\(\?:([\s\S]*)\)\$$/.exec(written);
  return m ? m[1] : written;
}

function localeError(lang: Lang) {
  return (lang === 'en' ? z.locales.en() : z.locales.id()).localeError;
}

const issuePath = (path: readonly PropertyKey[]) => path.map(String).join('.');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether the answer is at least shaped as an OpenAPI 3 document. Anything else is refused as a whole, naming
 * nothing inside it: where it came from may be an internal service, and the places of its fields would tell its
 * structure to whoever asked for the import.
 */
const looksOpenApi = (doc: unknown) => isObject(doc) && typeof doc.openapi === 'string' && /^3\./.test(doc.openapi) && isObject(doc.paths);

/**
 * The operations of a node's document, or a HubError (502: the node sent something the hub cannot front): not a
 * catalogue at all, or an OpenAPI document whose issues say where and what, in the caller's language.
 */
export function nodeOperations(doc: unknown, lang: Lang = 'id'): NodeOperation[] {
  if (!looksOpenApi(doc)) throw new HubError(502, 'hub_node_not_catalogue');
  const parsed = NodeDocument.safeParse(doc, { error: localeError(lang) });
  if (!parsed.success) {
    throw new HubError(502, 'hub_node_document', {}, parsed.error.issues.slice(0, 50).map((i) => ({ path: issuePath(i.path), message: i.message })));
  }
  const issues: HubIssue[] = [];
  const entries = Object.entries(parsed.data.paths);
  if (entries.length > MAX_OPERATIONS) issues.push({ path: 'paths', message: hubText(lang, 'hub_too_many', { max: MAX_OPERATIONS }) });
  const found: NodeOperation[] = [];
  for (const [path, item] of entries.slice(0, MAX_OPERATIONS)) {
    const where = `paths.${path}`;
    const m = V1_PATH.exec(path);
    if (!m || !slug.safeParse(m[1]).success || !slug.safeParse(m[2]).success || !operationSlug.safeParse(m[3]).success) {
      issues.push({ path: where, message: hubText(lang, 'hub_path') });
      continue;
    }
    const [, agency, service, op] = m;
    const params: Parameter[] = [];
    item.get.parameters.forEach((p, i) => {
      if (isPaging(p)) return;
      const at = `${where}.get.parameters.${i}`;
      const type = typeOf(p.schema);
      if (!type) {
        issues.push({ path: `${at}.schema`, message: hubText(lang, 'hub_param_type', { type: p.schema.type, format: p.schema.format ? ` (${p.schema.format})` : '' }) });
        return;
      }
      const pattern = p.schema.pattern === undefined ? undefined : patternOf(p.schema.pattern);
      if (pattern !== undefined) {
        try {
          new RegExp(`^(?:${pattern})$`);
        } catch {
          issues.push({ path: `${at}.schema.pattern`, message: hubText(lang, 'hub_param_pattern') });
          return;
        }
      }
      const declared = {
        name: p.name, type, required: p.required ?? false, description: p.description ?? '', pattern,
        default: p.schema.default, minLength: p.schema.minLength, maxLength: type === 'string' ? p.schema.maxLength : undefined,
        min: p.schema.minimum, max: p.schema.maximum,
      };
      const given = Object.fromEntries(Object.entries(declared).filter(([, v]) => v !== undefined));
      const param = Parameter.safeParse(given, { error: localeError(lang) });
      if (!param.success) issues.push(...param.error.issues.map((e) => ({ path: `${at}.${issuePath(e.path)}`, message: e.message })));
      else params.push(param.data);
    });
    const summary = item.get.summary ?? '';
    found.push({ agency, service, slug: op, description: summary === op ? '' : summary, params, where });
  }
  if (issues.length) throw new HubError(502, 'hub_node_document', {}, issues.slice(0, 50));
  return found;
}
