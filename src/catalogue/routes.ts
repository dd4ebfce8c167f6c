import { Hono } from 'hono';
import type { Registry } from '../gateway/registry.ts';
import { openApiFor } from './openapi.ts';
import type { AnswerSigner } from '../audit/answer-signer.ts';

/** The public catalogue: non-restricted, enabled operations with their metadata, OpenAPI documents and WSDL links. */
export function catalogueRoutes(registry: Registry, signer?: AnswerSigner): Hono {
  const app = new Hono();
  const visible = async () => {
    await registry.ready();
    return registry.operations().map((c) => c.op).filter((op) => !op.restricted && op.enabled);
  };
  app.get('/', async (c) =>
    c.json((await visible()).map((op) => ({
      agency: op.agency, service: op.service, operation: op.slug, kind: op.kind, description: op.description,
      params: op.params.map((p) => ({ name: p.name, type: p.type, required: p.required, description: p.description })),
      paths: {
        compat: `/json/${op.agency}/${op.service}/${op.slug}`,
        v1: `/v1/${op.agency}/${op.service}/${op.slug}`,
        soap: `/soap/${op.agency}/${op.service}`,
        wsdl: `/soap/${op.agency}/${op.service}?wsdl`,
      },
      ...(op.audit?.signAnswers ? { signature: { header: 'X-JWS-Signature', alg: 'EdDSA', jwks: '/catalogue/jwks.json' } } : {}),
    }))));
  // The agencies' answer-signing keys (a JWK set), for consumers to verify signed answers; restricted operations'
  // consumers need them too, so every enabled signing operation's agency is listed.
  const jwks = async () => {
    await registry.ready();
    const signing = registry.operations().map((c) => c.op).filter((op) => op.enabled && op.audit?.signAnswers);
    return signer ? signer.jwks(signing.map((op) => op.agency)) : { keys: [] };
  };
  // One parameter route rather than a static `/openapi.json` beside `/:agency/…`: that pair would push Hono
  // from its RegExpRouter to the slower TrieRouter for the whole app.
  app.get('/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'openapi.json') return c.json(openApiFor('Mantra', await visible()));
    if (file === 'jwks.json') return c.json(await jwks(), 200, { 'cache-control': 'max-age=300' });
    return c.json({ error: 'not_found', message: 'Alamat tidak ditemukan' }, 404);
  });
  app.get('/:agency/:service/openapi.json', async (c) => {
    const { agency, service } = c.req.param();
    const ops = (await visible()).filter((op) => op.agency === agency && op.service === service);
    if (ops.length === 0) return c.json({ error: 'not_found', message: 'Layanan tidak ditemukan' }, 404);
    return c.json(openApiFor(`${agency}/${service}`, ops));
  });
  return app;
}
