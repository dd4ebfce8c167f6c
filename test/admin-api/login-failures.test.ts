import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALARM } from '../../src/admin-api/login-alarm.ts';
import { LIMITS } from '../../src/admin-api/throttle.ts';
import { capturedLog } from '../support/captured-log.ts';
import { type Harness, harness, PASSWORD } from './support.ts';

describe('admin api: login failures, for administrators', () => {
  let h: Harness;
  let admin: string, supervisor: string, provider: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    supervisor = await h.user('pengawas', 'supervisor');
    provider = await h.user('ani', 'provider', { agency: 'a' });
  });
  after(() => h.close());

  test('a sustained attack logs one warning and shows in the listing; the rightful user still signs in', async () => {
    const login = (password: string, ip: string) => h.call('POST', '/login', { json: { username: 'root', password }, ip });
    const [far, near] = ['203.0.113.77', '198.51.100.66'];
    const lines = await capturedLog(async () => {
      for (const ip of [far, near]) {
        for (let i = 0; i < LIMITS.pair.free; i++) assert.equal((await login(`tebakan-rahasia-${i}`, ip)).status, 401);
      }
      // Refused tries count as well; the alarm goes off once, not once per failure.
      for (let i = 2 * LIMITS.pair.free; i < ALARM.attempts + 10; i++) assert.equal((await login('again', near)).status, 429);
    });
    const warnings = lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    assert.match(String(warnings[0].msg), /failed sign-ins/);
    assert.equal(warnings[0].attempts, ALARM.attempts);
    assert.deepEqual((warnings[0].addresses as { address: string }[]).map((a) => a.address).sort(), [near, far]);
    assert.deepEqual(warnings[0].users, [{ username: 'root', failures: 2 * LIMITS.pair.free }]);
    assert.equal(JSON.stringify(lines).includes('tebakan-rahasia'), false, 'no password is logged');

    // Read at once: the pair that failed last still waits (1 s after its fifth failure).
    const r = await h.call('GET', '/security/login-failures', { token: admin });
    assert.equal(r.status, 200, r.text);
    const pair = r.body.pairs.find((p: { address: string }) => p.address === near);
    assert.equal(pair?.username, 'root', JSON.stringify(r.body));
    assert.equal(pair.failures, LIMITS.pair.free);
    assert.ok(pair.until > pair.lastFailureAt);
    assert.deepEqual(r.body.addresses, [], 'no address passed its own budget');
    assert.equal(r.body.users.length, 1);
    assert.equal(r.body.users[0].username, 'root');
    assert.equal(r.body.users[0].failures, 2 * LIMITS.pair.free);
    assert.equal(r.body.users[0].delayMs, LIMITS.user.baseMs);
    assert.ok(r.body.users[0].until > Date.now());
    assert.equal(r.body.window.attempts, ALARM.attempts + 10);

    const started = Date.now();
    const rightful = await login(PASSWORD, '192.0.2.99');
    assert.equal(rightful.status, 200, 'slowed a little, not refused');
    assert.ok(Date.now() - started >= LIMITS.user.baseMs - 5);
  });

  test('supervisors may read the listing; other roles get 403, strangers 401', async () => {
    assert.equal((await h.call('GET', '/security/login-failures', { token: supervisor })).status, 200);
    const denied = await h.call('GET', '/security/login-failures', { token: provider });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error, 'forbidden');
    assert.equal((await h.call('GET', '/security/login-failures')).status, 401);
  });

  test('the listing is described in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    const route = doc.paths['/security/login-failures']?.get;
    assert.ok(route, 'documented');
    assert.deepEqual(Object.keys(route.responses).sort(), ['200', '401', '403']);
    assert.ok(doc.components.schemas.LoginFailures);
  });
});
