import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { trustedProxiesOf, withRequestId } from '../../src/app-env.ts';
import { testApp } from '../support/app.ts';
import { PASSWORD, passwordHash } from './support.ts';

const PROXY = '10.0.0.1';

describe('admin api behind a reverse proxy: the trustedProxies setting', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let serve: (req: Request, info: { remoteAddress: string }) => Promise<Response>;
  const login = async (username: string, password: string, peer: string, forwardedFor?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    const req = new Request('http://mantra.test/admin/api/login', { method: 'POST', headers, body: JSON.stringify({ username, password }) });
    const res = await serve(req, { remoteAddress: peer });
    await res.body?.cancel();
    return res.status;
  };
  const fail5 = async (username: string, peer: string, forwardedFor?: string) => {
    for (let i = 0; i < 5; i++) assert.equal(await login(username, `wrong ${i}`, peer, forwardedFor), 401);
  };
  const trust = async (trustedProxies: string[]) => {
    const stored = await t.store.get('settings', 'settings');
    await t.store.put('settings', { ...(stored?.body ?? {}), trustedProxies } as never, stored?.version ?? 0);
  };

  before(async () => {
    t = await testApp({ workers: 0 });
    for (const username of ['ani', 'budi', 'citra']) {
      await t.put('user', { username, role: 'supervisor', passwordHash: await passwordHash(), fullName: '', active: true, mustChangePassword: false });
    }
    // As the server wires it: the trusted proxies come from the registry's settings in memory.
    serve = withRequestId((req, env) => t.fetch(req, env), trustedProxiesOf(t.registry));
  });
  after(() => t.close());

  test('by default X-Forwarded-For is ignored: everyone behind the proxy is the proxy', async () => {
    await fail5('ani', PROXY, '203.0.113.66');
    assert.equal(await login('ani', PASSWORD, PROXY, '198.51.100.5'), 429);
  });

  test('a trusted proxy: two clients are throttled apart, and the setting applies without a restart', async () => {
    await trust(['10.0.0.0/8']);
    await fail5('budi', PROXY, '203.0.113.66');
    assert.equal(await login('budi', PASSWORD, PROXY, '203.0.113.66'), 429, 'the guesser waits');
    assert.equal(await login('budi', PASSWORD, PROXY, '198.51.100.5'), 200, 'the rightful user behind the same proxy does not');
    // The client's own claim left of what the proxy appended does not count.
    assert.equal(await login('budi', PASSWORD, PROXY, '198.51.100.5, 203.0.113.66'), 429);
  });

  test('an untrusted peer cannot pick its address with X-Forwarded-For', async () => {
    const peer = '192.0.2.44';
    for (let i = 0; i < 5; i++) assert.equal(await login('citra', `wrong ${i}`, peer, `203.0.113.${i}`), 401);
    assert.equal(await login('citra', PASSWORD, peer, '198.51.100.200'), 429);
    assert.equal(await login('citra', PASSWORD, '192.0.2.45'), 200);
  });

  test('every request gets the resolved address; a direct one never waits for the setting', async () => {
    let asked = 0;
    const echo = withRequestId((_req, env) => new Response(env.remoteAddress), () => (asked++, [PROXY]));
    const seen = async (peer: string, forwardedFor?: string) =>
      (await echo(new Request('http://x/', { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }), { remoteAddress: peer })).text();
    assert.equal(await seen('192.0.2.1'), '192.0.2.1');
    assert.equal(asked, 0);
    assert.equal(await seen(PROXY, '198.51.100.7'), '198.51.100.7');
    assert.equal(await seen('192.0.2.1', '198.51.100.7'), '192.0.2.1');
    const untrusting = withRequestId((_req, env) => new Response(env.remoteAddress));
    assert.equal(await (await untrusting(new Request('http://x/', { headers: { 'x-forwarded-for': '198.51.100.7' } }), { remoteAddress: PROXY })).text(), PROXY);
  });
});
