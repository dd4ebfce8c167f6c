import { Hono } from 'hono';
import { callInfo, type Env } from '../../app-env.ts';
import { pickLang } from '../../i18n/index.ts';
import { log } from '../../observability/log.ts';
import { GatewayError } from '../errors.ts';
import type { Call } from '../pipeline.ts';
import type { Registry } from '../registry.ts';
import { splitUrl } from '../request-params.ts';
import { soapReader } from './grammar.ts';
import { endpointAddress, soapVersionOf } from './names.ts';
import { renderFault, renderSoap } from './render.ts';
import { wsdlDocument } from './wsdl.ts';
import { keyOf } from '../v1/grammar.ts';

/** Where a SOAP path points: every service is one endpoint. */
export interface SoapRoute {
  agency: string;
  service: string;
}

export type SoapHandler = (req: Request, env: Env['Bindings'] | undefined, route: SoapRoute) => Promise<Response>;

/** `?wsdl`, in any case, with or without a value. */
const asksForWsdl = (url: string) => /(^|&)wsdl(=[^&]*)?(&|$)/i.test(splitUrl(url).search);

/** The operations a service publishes: enabled, and not restricted (the WSDL is public, like the catalogue). */
function published(registry: Registry, { agency, service }: SoapRoute) {
  return registry.operations().map((c) => c.op).filter((op) => op.agency === agency && op.service === service && op.enabled && !op.restricted);
}

/** No enabled operation at all at this address: HTTP's 404 rather than a fault of one call. */
const unknownService = (registry: Registry, { agency, service }: SoapRoute) =>
  !registry.operations().some((c) => c.op.agency === agency && c.op.service === service && c.op.enabled);

/**
 * SOAP 1.1 and 1.2: `POST /soap/{agency}/{service}` runs the pipeline like every other interface (the envelope is
 * read in its `read` stage, so every refusal is tracked); `GET /soap/{agency}/{service}?wsdl` is the WSDL.
 */
export function soapHandler(call: Call, registry: Registry): SoapHandler {
  const read = soapReader(registry);
  return async (http, env, route) => {
    const lang = pickLang(http);
    if (http.method === 'GET' && asksForWsdl(http.url)) {
      await registry.ready();
      const ops = published(registry, route);
      const requestId = callInfo(env).requestId;
      if (ops.length === 0) return renderFault(new GatewayError('not_registered'), '1.1', { ...route, lang, requestId }, true);
      const address = endpointAddress(registry.settings.publicBaseUrl, http.url, route.agency, route.service);
      return new Response(wsdlDocument({ ...route, address, ops }), { headers: { 'content-type': 'text/xml; charset=utf-8' } });
    }
    const info = callInfo(env);
    // A fault for a request of no known version is written as SOAP 1.1.
    const version = soapVersionOf(http.headers.get('content-type')) ?? '1.1';
    await registry.ready();
    const ctx = await call({
      interface: 'soap',
      agency: route.agency,
      service: route.service,
      operation: '',
      params: {},
      http,
      read,
      // As v1 reads it (an OAuth2 token as Bearer, X-API-Key, AccessKey); a WS-Security UsernameToken wins in `read`.
      key: keyOf(http.headers),
      format: 'soap',
      envelope: 'soap',
      remote: info.remote,
      userAgent: http.headers.get('user-agent') ?? '',
      requestId: info.requestId,
      lang,
      // Lazy: reading a Bun request's signal is costly, and most calls never need it.
      get signal() {
        return http.signal;
      },
    });
    try {
      return renderSoap(ctx, version, ctx.error?.key === 'not_registered' && unknownService(registry, route));
    } catch (err) {
      log('error', 'soap answer failed', { requestId: info.requestId, error: String(err) });
      return renderFault(new GatewayError('internal'), version, ctx.req);
    }
  };
}

/** The same handler under Hono, for paths the gateway's own matcher leaves to it (gateway/router.ts). */
export function soapRoutes(handle: SoapHandler): Hono<Env> {
  const app = new Hono<Env>();
  app.all('/:agency/:service', (c) => handle(c.req.raw, c.env, { agency: c.req.param('agency'), service: c.req.param('service') }));
  return app;
}
