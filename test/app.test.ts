import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from './support/app.ts';
import { withRequestId } from '../src/app-env.ts';

describe('app composition', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => (t = await testApp()));
  after(() => t?.close());

  test('health and readiness', async () => {
    assert.deepEqual(await (await t.app.request('/healthz')).json(), { status: 'ok' });
    const ready = await t.app.request('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual((await ready.json()).checks, { store: true, workers: true });
  });

  test('unknown routes: 404 in JSON, in the caller\'s language', async () => {
    const res = await t.app.request('/no/such/thing', { headers: { 'Accept-Language': 'en' } });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not_found', message: 'Not found' });
  });

  test('every answer carries a request id; a well-formed one from the caller is kept', async () => {
    const fetch = withRequestId((req, env) => t.app.fetch(req, env));
    const own = await fetch(new Request('http://x/healthz', { headers: { 'X-Request-Id': 'abc-123' } }), { remoteAddress: '' });
    assert.equal(own.headers.get('x-request-id'), 'abc-123');
    const bad = await fetch(new Request('http://x/healthz', { headers: { 'X-Request-Id': '<script>' } }), { remoteAddress: '' });
    assert.match(bad.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });

  test('routes stay within Hono\'s RegExpRouter (an ambiguous route would fall back to the slower TrieRouter)', async () => {
    await t.app.request('/healthz');
    assert.match((t.app as unknown as { router: { name: string } }).router.name, /RegExpRouter/);
  });
});
