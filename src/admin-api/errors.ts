import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { type Lang, pickLang, translate } from '../i18n/index.ts';
import { StoreError } from '../store/types.ts';
import { type MessageKey, messages } from './messages.ts';

type Vars = Record<string, string | number>;

/** One problem with one field; `path` is dotted (`data.table`, `params.0.name`). */
export type Issue = { path: string; message: string } | { path: string; key: MessageKey; vars?: Vars };

/**
 * The one error type of the admin API: it knows its status and message key; `render` turns it into JSON in
 * the caller's language. Extra fields (issues, currentVersion, reason) go into the body as they are.
 */
export class AdminError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly key: MessageKey,
    readonly vars: Vars = {},
    readonly extra: { issues?: Issue[]; [field: string]: unknown } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(key);
  }
}

export const invalid = (issues: Issue[], key: 'validation' | 'reference' = 'validation') =>
  new AdminError(400, key, {}, { issues });

export function t(lang: Lang, key: MessageKey, vars: Vars = {}): string {
  // `kind` and `dependent` name entity kinds; they are translated too (`agency` → "Instansi").
  const named = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, (k === 'kind' || k === 'dependent') ? translate(messages, `kind.${v}`, lang) : v]),
  );
  return translate(messages, key, lang, named);
}

const bodyBroken = new Set(['BadResource', 'AbortError', 'TimeoutError']);

/** Whatever was thrown, as an AdminError; unknown errors become a 500 without any detail. */
export function toAdminError(err: unknown): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof HTTPException) {
    const key = ({ 400: 'malformed_json', 413: 'too_large', 415: 'unsupported_media_type' } as const)[err.status as 400];
    if (key) return new AdminError(err.status as ContentfulStatusCode, key);
    return new AdminError(err.status as ContentfulStatusCode, 'internal');
  }
  // The body stopped coming (Deno: BadResource, Bun: AbortError) or came too slowly (the server's body limits).
  if (bodyBroken.has((err as Error)?.name)) return new AdminError(400, 'body_unreadable');
  if (err instanceof StoreError && err.reason === 'invalid') {
    return invalid(issuesFromZod((err.detail ?? []) as z.core.$ZodIssue[], 'en'));
  }
  if (err instanceof StoreError && (err.reason === 'version' || err.reason === 'conflict')) {
    return new AdminError(409, 'changed_meanwhile');
  }
  // The cluster store is away: this node still serves its copy, but nothing can be saved until it is back.
  if (err instanceof StoreError && err.reason === 'unavailable') {
    return new AdminError(503, 'store_unavailable', {}, {}, { 'retry-after': '5' });
  }
  return new AdminError(500, 'internal');
}

export function renderError(err: unknown, c: Context): Response {
  const e = toAdminError(err);
  if (e.status >= 500 && !(err instanceof AdminError)) console.error('admin api:', err);
  const lang = pickLang(c.req.raw);
  const body: Record<string, unknown> = { error: e.key, message: t(lang, e.key, e.vars), ...e.extra };
  if (e.extra.issues) {
    body.issues = e.extra.issues.map((i) => ({ path: i.path, message: 'key' in i ? t(lang, i.key, i.vars) : i.message }));
  }
  return c.json(body, e.status, e.headers);
}

/** zod's own messages in the caller's language; a missing field reads "required". */
export function zodErrorMap(lang: Lang) {
  const locale = (lang === 'en' ? z.locales.en() : z.locales.id()).localeError;
  return (issue: z.core.$ZodRawIssue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? t(lang, 'required') : locale(issue);
}

export function issuesFromZod(issues: readonly z.core.$ZodIssue[], lang: Lang): Issue[] {
  return issues.flatMap((i): Issue[] => {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      // One issue per unknown field, so that a form can point at each of them.
      return i.keys.map((k) => ({ path: path ? `${path}.${k}` : k, message: t(lang, 'unknown_field') }));
    }
    return [{ path, message: i.message }];
  });
}

/** Validates with zod in the caller's language; throws a 400 with field paths. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, lang: Lang): z.output<T> {
  const parsed = schema.safeParse(value, { error: zodErrorMap(lang) });
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error.issues, lang));
  return parsed.data;
}
