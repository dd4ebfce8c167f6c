import { Hono } from 'hono';
import { formatNames, type FormatName } from '../../formats/types.ts';
import { pickLang } from '../../i18n/index.ts';
import { GatewayError } from '../errors.ts';
import type { Call } from '../pipeline.ts';
import type { Registry } from '../registry.ts';
import { bodyParams, parsePairs, splitUrl } from '../request-params.ts';
import { decodeCursor } from '../cursor.ts';
import { renderProblem, renderV1 } from './render.ts';
import { callInfo, type Env } from '../../app-env.ts';
import type { GatewayRoute } from '../router.ts';

const byMediaType: [RegExp, FormatName][] = [
  [/application\/json|\*\/\*/, 'json'],
  [/application\/(x-)?ndjson/, 'ndjson'],
  [/(application|text)\/xml/, 'xml'],
  [/text\/csv/, 'csv'],
  [/application\/vnd\.php\.serialized/, 'serialize'],
  [/text\/x-php/, 'php'],
];
const reserved = new Set(['format', 'limit', 'offset', 'cursor', 'lang']);
const suffix = new RegExp(`\\.(${formatNames.join('|')})$`);

function pickFormat(accept: string | null, query: string | undefined, ext: string | undefined): FormatName | string {
  if (ext) return ext;
  if (query) return query;
  if (!accept) return 'json';
  let best: FormatName | undefined, at = Infinity;
  for (const [re, name] of byMediaType) {
    const m = re.exec(accept);
    if (m && m.index < at) [best, at] = [name, m.index];
  }
  return best ?? 'json';
}

function keyOf(headers: Headers): string | undefined {
  const auth = headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return headers.get('x-api-key') ?? headers.get('accesskey') ?? undefined;
}

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new GatewayError('bad_param', { name, reason: 'harus bilangan bulat ≥ 0' });
  return Number(value);
}

export type V1Handler = (req: Request, env: Env['Bindings'] | undefined, route: GatewayRoute) => Promise<Response>;

/** REST v1: /v1/{agency}/{service}/{operation}[.format], real HTTP statuses, problem+json errors. */
export function v1Handler(call: Call, registry: Registry): V1Handler {
  return async (req, env, route) => {
    const info = callInfo(env);
    const query = parsePairs(splitUrl(req.url).search);
    const lang = pickLang(req);
    let operation = route.operation;
    const ext = suffix.exec(operation)?.[1];
    if (ext) operation = operation.slice(0, -ext.length - 1);
    const format = pickFormat(req.headers.get('accept'), query.format, ext);
    if (!(formatNames as readonly string[]).includes(format)) {
      return renderProblem(new GatewayError('bad_format', { format }), lang, info.requestId);
    }
    await registry.ready();
    let params: Record<string, string>, page: { limit?: number; offset?: number };
    try {
      const { cursor, limit, offset } = query;
      params = query;
      for (const name of reserved) delete params[name];
      Object.assign(params, await bodyParams(req, registry.settings.maxBodyBytes));
      const start = cursor !== undefined ? decodeCursor(cursor) : intParam(offset, 'offset');
      if (cursor !== undefined && start === undefined) throw new GatewayError('bad_param', { name: 'cursor', reason: 'tidak valid' });
      page = { limit: intParam(limit, 'limit'), offset: start };
    } catch (err) {
      if (err instanceof GatewayError) return renderProblem(err, lang, info.requestId);
      throw err;
    }
    const ctx = await call({
      interface: 'v1',
      agency: route.agency,
      service: route.service,
      operation,
      params,
      key: keyOf(req.headers),
      format: format as FormatName,
      envelope: 'v1',
      page,
      remote: info.remote,
      userAgent: req.headers.get('user-agent') ?? '',
      requestId: info.requestId,
      lang,
      // Lazy: reading a Bun request's signal is costly, and most calls never need it.
      get signal() {
        return req.signal;
      },
    });
    return renderV1(ctx);
  };
}

/** The same handler under Hono, for paths the gateway's own matcher leaves to it (gateway/router.ts). */
export function v1Routes(handle: V1Handler): Hono<Env> {
  const app = new Hono<Env>();
  app.all('/:agency/:service/:operation', (c) =>
    handle(c.req.raw, c.env, { agency: c.req.param('agency'), service: c.req.param('service'), operation: c.req.param('operation') }));
  return app;
}
