import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Harness, harness } from './support.ts';

const expected: Record<string, string[]> = {
  '/login': ['post'], '/logout': ['post'], '/session': ['get'], '/password': ['post'], '/security/login-failures': ['get'],
  '/agencies': ['get', 'post'], '/agencies/{slug}': ['get', 'put', 'delete'],
  '/users': ['get', 'post'], '/users/{username}': ['get', 'put', 'delete'],
  '/connectors': ['get', 'post'], '/connectors/{agency}/{slug}': ['get', 'put', 'delete'],
  '/connectors/{agency}/{slug}/test': ['post'], '/connectors/{agency}/{slug}/tables': ['get'],
  '/connectors/{agency}/{slug}/tables/{table}/columns': ['get'],
  '/services': ['get', 'post'], '/services/{agency}/{slug}': ['get', 'put', 'delete'],
  '/operations': ['get', 'post'], '/operations/{agency}/{service}/{slug}': ['get', 'put', 'delete'],
  '/consumers': ['get', 'post'], '/consumers/{agency}/{slug}': ['get', 'put', 'delete'],
  '/subscriptions': ['get', 'post'], '/subscriptions/{id}': ['get', 'put', 'delete'],
  '/subscriptions/{id}/rotate-key': ['post'],
  '/subscription-requests': ['post'], '/subscriptions/{id}/approve': ['post'], '/subscriptions/{id}/reject': ['post'],
  '/subscriptions/{id}/revoke': ['post'], '/consumers/{agency}/{slug}/app-key': ['post', 'delete'],
  '/totp/enrol': ['post'], '/totp/confirm': ['post'], '/totp/disable': ['post'],
  '/users/{username}/reset-password': ['post'], '/users/{username}/totp/reset': ['post'], '/settings': ['get', 'put'],
  '/audit/tracks': ['get'], '/audit/verify': ['get'], '/audit/checkpoints': ['get'], '/audit/subject': ['post'],
  '/audit/tracks/{seq}/answer': ['get'], '/stats': ['get'],
  '/composites/validate': ['post'], '/operations/{agency}/{service}/{slug}/dry-run': ['post'],
  '/hub/import-node': ['post'],
  '/branding': ['get'], '/settings/smtp-test': ['post'],
};

describe('admin api: OpenAPI document', () => {
  let h: Harness;
  before(() => {
    h = harness();
  });
  after(() => h.close());

  test('is public, valid JSON, OpenAPI 3.1, and lists every path with its methods', async () => {
    const r = await h.call('GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    const doc = JSON.parse(r.text);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers, [{ url: '/admin/api' }]);
    assert.deepEqual(Object.keys(doc.paths).sort(), Object.keys(expected).sort());
    for (const [path, methods] of Object.entries(expected)) {
      assert.deepEqual(Object.keys(doc.paths[path]).sort(), [...methods].sort(), path);
      for (const m of methods) {
        const op = doc.paths[path][m];
        assert.ok(Object.keys(op.responses).length > 0, `${m} ${path} has responses`);
        const params = [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
        const declared = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
        assert.deepEqual(declared, params, `${m} ${path} declares its path parameters`);
      }
    }
    assert.deepEqual(doc.paths['/login'].post.security, [], 'login needs no session');
    assert.deepEqual(doc.paths['/agencies'].get.security, [{ Bearer: [] }, { Cookie: [] }]);
    assert.ok(doc.components.securitySchemes.Bearer);
    // Variants derive from the model: secrets and hashes are not in what is shown.
    assert.equal('password' in doc.components.schemas.ConnectorView.properties, false);
    assert.ok(doc.components.schemas.ConnectorView.properties.passwordSet);
    assert.equal('passwordHash' in doc.components.schemas.UserView.properties, false);
    assert.equal('keyHash' in doc.components.schemas.SubscriptionView.properties, false);
    // Every $ref points to a declared schema.
    for (const [, name] of r.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(doc.components.schemas[name], `schema ${name} is declared`);
    }
  });
});
