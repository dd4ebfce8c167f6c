import type { Context, MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { pickLang } from '../i18n/index.ts';
import { type EntityOf, kinds } from '../model/index.ts';
import { type Stored, StoreError } from '../store/types.ts';
import type { AdminContext, AdminEnv } from './context.ts';
import { AdminError, invalid, type Issue, parseOrThrow } from './errors.ts';
import { body, errors, input, json, register } from './openapi.ts';
import { allowed, authorize, requireGrant } from './policy.ts';
import { firstDependents, missingReferences } from './references.ts';
import type { CrudKind, Resource, WriteInput } from './resources.ts';
import { sameBody } from './same-body.ts';

/** Fields of an update body that describe the read, not the entity. */
const META = ['version', 'updatedAt'];

/**
 * The five routes of one kind (list, create, read, update, delete), all alike: the resource supplies the
 * schemas and the few per-kind hooks; roles, references, versions and errors are handled here once.
 */
export function mountCrud<K extends CrudKind>(
  app: OpenAPIHono<AdminEnv>,
  guards: MiddlewareHandler<AdminEnv>[],
  ctx: AdminContext,
  res: Resource<K>,
) {
  const { store } = ctx;
  const { kind } = res;
  const paramNames = Object.keys(res.params);
  const itemPath = `${res.collection}/${paramNames.map((p) => `{${p}}`).join('/')}`;
  const Params = z.object(res.params);
  const View = res.view;
  const tags = [res.collection.slice(1)];
  const readers = [...guards, requireGrant(kind, 'read')];
  const writers = [...guards, requireGrant(kind, 'write')];

  const idOf = (p: Record<string, string>) => paramNames.map((n) => p[n]).join('/');
  const show = (s: Stored<K>, reveal: Record<string, unknown> = {}) =>
    ({ ...(res.toView ? res.toView(s.body) : s.body), version: s.version, updatedAt: s.updatedAt, ...reveal });

  const versionConflict = (id: string, current: number, given: number) =>
    new AdminError(409, 'version_conflict', { kind, id, current, given }, { currentVersion: current });

  /** An item of this kind, for the route's `{…}` parameters; 404 when there is none. */
  async function find(c: Context<AdminEnv>): Promise<Stored<K>> {
    const id = idOf(input(c, 'param'));
    const stored = await store.get(kind, id);
    if (!stored) throw new AdminError(404, 'not_found', { kind, id });
    return stored;
  }

  async function write(c: Context<AdminEnv>, fields: Record<string, unknown>, stored?: Stored<K>) {
    const user = c.get('user');
    const lang = pickLang(c.req.raw);
    const w: WriteInput<K> = { ctx, user, stored };
    authorize(user, kind, 'write', ...(stored ? [stored.body] : []), fields);
    const draft = res.toEntity ? await res.toEntity(fields, w) : { entity: fields as EntityOf<K> };
    const entity = parseOrThrow(kinds[kind].schema, draft.entity, lang) as EntityOf<K>;
    const missing = await missingReferences(kind, entity, async (k, id) => (await store.get(k, id)) !== undefined);
    if (missing.length) {
      throw invalid(missing.map((r) => ({ path: r.path, key: r.key ?? 'reference_missing', vars: { kind: r.kind, id: r.id, ...r.vars } })), 'reference');
    }
    await res.check?.(entity, w);
    if (stored && sameBody(stored.body, entity)) return { saved: stored, reveal: draft.reveal };
    const id = (kinds[kind].id as (e: EntityOf<K>) => string)(entity);
    try {
      const saved = await store.put(kind, entity, stored?.version ?? 0);
      await res.afterSave?.(saved, w);
      return { saved, reveal: draft.reveal };
    } catch (err) {
      if (err instanceof StoreError && err.reason === 'conflict') throw new AdminError(409, 'conflict', { kind, id });
      if (err instanceof StoreError && err.reason === 'version') {
        const current = (await store.get(kind, id))?.version ?? 0;
        throw versionConflict(id, current, stored!.version);
      }
      throw err;
    }
  }

  const Filters = z.object(Object.fromEntries(res.filters.map((f) => [f, z.string().optional()])));
  register(app, readers, createRoute({
    method: 'get', path: res.collection, tags, summary: 'List (what the caller may read)',
    request: { query: Filters },
    responses: { 200: json(z.object({ items: z.array(View) }), 'The entries'), ...errors(400, 401, 403) },
  }), async (c) => {
    const user = c.get('user');
    const filters = Object.entries(input<Record<string, string | undefined>>(c, 'query')).filter(([, v]) => v !== undefined);
    const items = (await store.list(kind)).filter((s) => {
      const body = s.body as Record<string, unknown>;
      return allowed(user, kind, 'read', body) && filters.every(([f, v]) => body[f] !== undefined && String(body[f]) === v);
    });
    return c.json({ items: items.map((s) => show(s)) }, 200);
  });

  register(app, writers, createRoute({
    method: 'post', path: res.collection, tags, summary: 'Create',
    request: { body: body(res.create) },
    responses: { 201: json(View, 'Created'), ...errors(400, 401, 403, 409, 413) },
  }), async (c) => {
    const fields = input<Record<string, unknown>>(c, 'json');
    authorize(c.get('user'), kind, 'write', fields);
    // Cheap duplicate check first, before hooks that cost time (password hashing).
    if (paramNames.every((p) => typeof fields[p] === 'string')) {
      const id = idOf(fields as Record<string, string>);
      if (await store.get(kind, id)) throw new AdminError(409, 'conflict', { kind, id });
    }
    const { saved, reveal } = await write(c, fields);
    return c.json(show(saved, reveal), 201);
  });

  register(app, readers, createRoute({
    method: 'get', path: itemPath, tags, summary: 'Read',
    request: { params: Params },
    responses: { 200: json(View, 'The entry'), ...errors(400, 401, 403, 404) },
  }), async (c) => {
    const stored = await find(c);
    authorize(c.get('user'), kind, 'read', stored.body);
    return c.json(show(stored), 200);
  });

  register(app, writers, createRoute({
    method: 'put', path: itemPath, tags,
    summary: 'Update: the whole entry plus the `version` that was read; a stale version answers 409',
    request: { params: Params, body: body(res.update) },
    responses: { 200: json(View, 'Updated'), ...errors(400, 401, 403, 404, 409, 413) },
  }), async (c) => {
    const stored = await find(c);
    const params = input<Record<string, string>>(c, 'param');
    const { version, ...rest } = input<Record<string, unknown> & { version: number }>(c, 'json');
    const fields = Object.fromEntries(
      Object.entries(rest).filter(([k]) => !META.includes(k) && !(res.readOnly ?? []).includes(k)),
    );
    const moved: Issue[] = paramNames
      .filter((p) => fields[p] !== undefined && fields[p] !== params[p])
      .map((p) => ({ path: p, key: 'id_immutable' }));
    if (moved.length) throw invalid(moved);
    authorize(c.get('user'), kind, 'write', stored.body);
    if (version !== stored.version) throw versionConflict(stored.id, stored.version, version);
    const { saved } = await write(c, { ...fields, ...params }, stored);
    return c.json(show(saved), 200);
  });

  register(app, writers, createRoute({
    method: 'delete', path: itemPath, tags, summary: 'Delete; refused (409) while other entries still refer to it',
    request: {
      params: Params,
      query: z.object({ version: z.coerce.number().int().min(1).optional().openapi({ description: 'Delete only this version' }) }),
    },
    responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404, 409) },
  }), async (c) => {
    const stored = await find(c);
    const user = c.get('user');
    authorize(user, kind, 'write', stored.body);
    const { version } = input<{ version?: number }>(c, 'query');
    if (version !== undefined && version !== stored.version) throw versionConflict(stored.id, stored.version, version);
    const users = await firstDependents(kind, stored.id, async (k) => (await store.list(k)).map((s) => s.body));
    if (users) {
      throw new AdminError(409, 'in_use', { kind, id: stored.id, count: users.count, dependent: users.kind }, {
        dependent: users.kind, count: users.count,
      });
    }
    await res.beforeDelete?.(stored, { ctx, user, stored });
    await store.remove(kind, stored.id, stored.version);
    return c.body(null, 204);
  });
}
