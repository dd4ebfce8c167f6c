import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ConnectorRef } from '../../connectors/types.ts';
import { identifier, slug } from '../model/slug.ts';
import type { AdminContext, AdminEnv, ConnectorProbe } from './context.ts';
import { AdminError } from './errors.ts';
import { errors, type Handler, input, json, register } from './openapi.ts';
import { authorize } from './policy.ts';
import { revealSecrets } from './secret-fields.ts';
import { connectorRef } from '../gateway/connector-ref.ts';
import { Settings } from '../model/settings.ts';

const Params = z.object({ agency: slug, slug });
const TableParams = Params.extend({ table: identifier });
const Column = z.object({ name: z.string(), type: z.string() }).openapi('Column');

/** Only a driver's error code (e.g. ECONNREFUSED, 28P01, ELOGIN, ORA-01017) leaves: messages may name hosts or users. */
function safeReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_-]{2,40}$/.test(code) ? code : undefined;
}

/** Test a connector and list its tables and columns, to help build operations; runs with decrypted secrets. */
export function mountConnectorRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  const tags = ['connectors'];

  /** Wraps a probe call: the connector must exist, the caller may write it, and failures say nothing sensitive. */
  function probe<T>(run: (probe: ConnectorProbe, ref: ConnectorRef, params: Record<string, string>) => Promise<T>, answer: (v: T) => object): Handler {
    return async (c) => {
      const params = input<Record<string, string>>(c, 'param');
      const id = `${params.agency}/${params.slug}`;
      const stored = await ctx.store.get('connector', id);
      if (!stored) throw new AdminError(404, 'not_found', { kind: 'connector', id });
      authorize(c.get('user'), 'connector', 'write', stored.body);
      if (!ctx.connectors) throw new AdminError(503, 'connectors_unavailable');
      const settings = await ctx.store.get('settings', 'settings');
      const view = { version: settings?.version ?? 0, body: settings?.body ?? Settings.parse({}) };
      const ref = connectorRef(stored, revealSecrets('connector', stored.body, ctx.secrets), view, ctx.dataDir);
      let value: T;
      try {
        value = await run(ctx.connectors, ref, params);
      } catch (err) {
        const reason = safeReason(err);
        throw new AdminError(502, 'connector_failed', {}, reason ? { reason } : {});
      }
      return c.json(answer(value), 200);
    };
  }

  register(app, guards, createRoute({
    method: 'post', path: '/connectors/{agency}/{slug}/test', tags, summary: 'Connect once with the stored settings',
    request: { params: Params },
    responses: { 200: json(z.object({ ok: z.literal(true) }), 'Connected'), ...errors(401, 403, 404, 502, 503) },
  }), probe((p, ref) => p.test(ref), () => ({ ok: true })));

  register(app, guards, createRoute({
    method: 'get', path: '/connectors/{agency}/{slug}/tables', tags, summary: 'Tables (and views) of the data source',
    request: { params: Params },
    responses: { 200: json(z.object({ tables: z.array(z.string()) }), 'Table names'), ...errors(401, 403, 404, 502, 503) },
  }), probe((p, ref) => p.tables(ref), (tables) => ({ tables })));

  register(app, guards, createRoute({
    method: 'get', path: '/connectors/{agency}/{slug}/tables/{table}/columns', tags, summary: 'Columns of a table',
    request: { params: TableParams },
    responses: { 200: json(z.object({ columns: z.array(Column) }), 'Columns'), ...errors(400, 401, 403, 404, 502, 503) },
  }), probe((p, ref, params) => p.columns(ref, params.table), (columns) => ({ columns })));
}
