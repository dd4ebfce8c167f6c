import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Env } from './app-env.ts';
import type { Store } from './store/index.ts';
import type { Secrets } from './security/index.ts';
import type { ConnectorPool as Pool } from '../connectors/pool.ts';
import { Registry } from './gateway/registry.ts';
import { buildPipeline } from './gateway/pipeline.ts';
import { compatHandler, compatRoutes } from './gateway/compat/routes.ts';
import { v1Handler, v1Routes } from './gateway/v1/routes.ts';
import { gatewayRouter } from './gateway/router.ts';
import { soapHandler, soapRoutes } from './gateway/soap/routes.ts';
import { Tracker } from './observability/tracker.ts';
import { Metrics } from './observability/metrics.ts';
import { metricsRoute } from './observability/metrics-route.ts';
import { Evidence } from './audit/evidence.ts';
import { log } from './observability/log.ts';
import { createAdminApi } from './admin-api/index.ts';
import { pickLang } from './i18n/index.ts';
import { adminPage } from './admin-page.ts';
import { Connector } from './model/connector.ts';
import { catalogueRoutes } from './catalogue/routes.ts';
import { oauthRoutes } from './oauth/routes.ts';
import { AccessTokens } from './security/tokens.ts';
import { openSigningKey } from './security/signing-key.ts';
import { compositeRunner } from './compose/dry-run.ts';
import { type Counter, memoryCounter } from './limits/index.ts';

export interface AppDeps {
  store: Store;
  secrets: Secrets;
  pool: Pool;
  /** The server's data directory: file connectors may never open it. */
  dataDir: string;
  /** Rate limits and quotas: Redis across nodes (--redis), else in memory, each node its share of the live nodes. */
  limits?: Counter;
}

export interface MantraApp {
  app: Hono<Env>;
  /** What the server runs: caller-interface paths straight to their handlers, everything else through `app`. */
  fetch(req: Request, env?: Env['Bindings']): Response | Promise<Response>;
  registry: Registry;
  tracker: Tracker;
  /** The OAuth2 access tokens the gateway accepts (security/tokens.ts): SOAP verifies with the same. */
  tokens: AccessTokens;
}

const probeConnector = {
  id: 'mantra/readyz',
  version: 1,
  config: Connector.parse({ agency: 'mantra', slug: 'readyz', kind: 'sqlite', path: ':memory:' }),
};

const notFound = { id: 'Alamat tidak ditemukan', en: 'Not found' };
const internal = { id: 'Terjadi kesalahan internal', en: 'Internal error' };

/** Composes the caller interfaces, the admin API and the health probes into one Hono app. */
export function createApp(deps: AppDeps): MantraApp {
  const tracker = new Tracker(deps.store);
  // The token signing key is made in the data directory on first start.
  const tokens = new AccessTokens(openSigningKey(deps.dataDir, deps.secrets));
  // The trail's parameter key (DATA/audit.key) and the agencies' answer keys live in the data directory too.
  const evidence = new Evidence(deps.dataDir, deps.secrets);
  const metrics = new Metrics();
  const registry = new Registry(deps.store, deps.secrets, deps.dataDir, deps.pool, { tracker, evidence, metrics });
  const limits = deps.limits ?? memoryCounter({ nodes: () => deps.store.liveNodes?.() ?? 1 });
  const call = buildPipeline({ registry, secrets: deps.secrets, tracker, tokens, evidence, metrics, limits });
  const app = new Hono<Env>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const readable = await deps.store.get('settings', 'settings').then(() => true, () => false);
    // The cluster store away: this node serves its copy of the configuration, but changes wait.
    const shared = deps.store.health?.();
    const checks = {
      store: readable && (shared?.ok ?? true),
      // A trivial job through the pool proves a worker thread runs and answers.
      workers: await deps.pool.test(probeConnector).then(() => true, () => false),
      ...(limits.health && { redis: limits.health() }),
    };
    const ok = readable && checks.workers;
    // Without Redis the node still serves, counting its share of the limits itself: degraded, not down.
    const status = !ok ? 'not ready' : checks.redis === false || !checks.store ? 'degraded' : 'ready';
    return c.json({ status, checks, ...(shared?.detail && { detail: { store: shared.detail } }) }, ok ? 200 : 503);
  });
  app.get('/metrics', metricsRoute(metrics, deps.store));

  const compat = compatHandler(call, registry);
  const v1 = v1Handler(call, registry);
  const soap = soapHandler(call, registry);
  const gateway = gatewayRouter(compat, v1, soap);
  app.route('/', compatRoutes(compat));
  app.route('/v1', v1Routes(v1));
  app.route('/soap', soapRoutes(soap));
  app.route('/catalogue', catalogueRoutes(registry, evidence.signer));
  app.route('/oauth2', oauthRoutes({ registry, secrets: deps.secrets, tokens, tracker }));
  app.route('/admin/api', createAdminApi({
    store: deps.store,
    secrets: deps.secrets,
    dataDir: deps.dataDir,
    tracker,
    connectors: {
      test: (ref) => deps.pool.test(ref),
      tables: async (ref) => (await deps.pool.tables(ref)).map((t) => t.name),
      columns: (ref, table) => deps.pool.columns(ref, table),
    },
    composites: compositeRunner(registry),
  }));

  app.route('/', adminPage());

  app.notFound((c) => c.json({ error: 'not_found', message: notFound[pickLang(c.req.raw)] }, 404));
  app.onError((err, c) => unhandled(err, c.req.raw, c.env));
  return {
    app,
    registry,
    tracker,
    tokens,
    fetch(req, env) {
      const res = gateway(req, env);
      return res ? res.catch((err) => unhandled(err, req, env)) : app.fetch(req, env);
    },
  };
}

function unhandled(err: unknown, req: Request, env: Env['Bindings'] | undefined): Response {
  if (err instanceof HTTPException) return Response.json({ error: 'http', message: err.message }, { status: err.status });
  log('error', 'unhandled error', { requestId: env?.requestId, error: String(err), stack: (err as Error).stack });
  return Response.json({ error: 'internal', message: internal[pickLang(req)] }, { status: 500 });
}
