import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, SESSION_COOKIE } from '../../src/admin-api/session.ts';
import { type Harness, harness, PASSWORD } from './support.ts';

describe('admin api: sign-in, sessions, CSRF', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await h.user('ani', 'provider', { agency: 'a' });
  });
  after(() => h.close());

  test('login sets an HttpOnly SameSite=Strict cookie and returns a bearer token and CSRF token', async () => {
    const r = await h.call('POST', '/login', { json: { username: 'ani', password: PASSWORD } });
    assert.equal(r.status, 200);
    assert.equal(typeof r.body.token, 'string');
    assert.equal(typeof r.body.csrf, 'string');
    assert.deepEqual(r.body.user, { username: 'ani', role: 'provider', agency: 'a', fullName: '', mustChangePassword: false, language: 'id', totpEnabled: false });
    assert.equal(r.body.mustChangePassword, false);
    assert.equal(JSON.stringify(r.body).includes('passwordHash'), false);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=${r.body.token};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag');
    // The store holds only a hash of the token.
    assert.equal(await h.store.sessions.get(r.body.token), undefined);
    const session = await h.call('GET', '/session', { token: r.body.token });
    assert.equal(session.status, 200);
    assert.equal(session.body.user.username, 'ani');
    assert.equal(session.body.csrf, r.body.csrf);
  });

  test('over https the cookie is Secure', async () => {
    const res = await h.app.request('https://mantra.test/admin/api/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root', password: PASSWORD }),
    }, { remoteAddress: '192.0.2.50' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie') ?? '', /Secure/);
  });

  test('unknown user: 401 with the same answer as a wrong password', async () => {
    const r = await h.call('POST', '/login', { json: { username: 'nobody', password: PASSWORD }, ip: '192.0.2.7' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { error: 'login_failed', message: 'Nama pengguna atau kata sandi salah' });
  });

  test('one address failing many times: that pair waits with a growing Retry-After, the right password elsewhere signs in', async () => {
    await h.user('victim', 'supervisor');
    const attacker = '198.51.100.9';
    const login = (username: string, password: string, ip: string, lang = 'id') =>
      h.call('POST', '/login', { json: { username, password }, ip, headers: { 'accept-language': lang } });
    for (let i = 0; i < 5; i++) assert.equal((await login('victim', `wrong ${i}`, attacker)).status, 401, `attempt ${i + 1}`);
    // Refused without checking: even the right password does not tell the guesser it was right.
    const refused = await login('victim', PASSWORD, attacker);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.deepEqual(refused.body, { error: 'throttled', message: 'Terlalu banyak percobaan yang gagal; coba lagi dalam 1 detik', retryAfter: 1 });
    for (let i = 0; i < 20; i++) assert.equal((await login('victim', `more ${i}`, attacker)).status, 429);

    assert.equal((await login('victim', PASSWORD, '203.0.113.1')).status, 200, 'the rightful user, from elsewhere');
    assert.equal((await login('root', PASSWORD, attacker)).status, 200, 'the address is not locked for every user');

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal((await login('victim', 'wrong again', attacker)).status, 401);
    const longer = await login('victim', PASSWORD, attacker, 'en');
    assert.equal(longer.status, 429);
    assert.equal(longer.headers.get('retry-after'), '2', 'each further failure doubles the wait');
    assert.match(longer.body.message, /^Too many failed attempts/);
  });

  test('nothing tells whether a user exists: an unknown name is answered and throttled like a known one', async () => {
    await h.user('known', 'supervisor');
    const answers = async (username: string, ip: string) => {
      const seen = [];
      for (let i = 0; i < 6; i++) {
        const r = await h.call('POST', '/login', { json: { username, password: `guess ${i}` }, ip });
        seen.push([r.status, r.headers.get('retry-after'), r.body]);
      }
      return seen;
    };
    assert.deepEqual(await answers('ghost', '198.51.100.30'), await answers('known', '198.51.100.31'));
  });

  test("changing one's own password ends the user's other sessions and keeps this one", async () => {
    const before = await h.user('sari', 'supervisor');
    const here = (await h.call('POST', '/login', { json: { username: 'sari', password: PASSWORD }, ip: '192.0.2.20' })).body.token;
    const elsewhere = (await h.call('POST', '/login', { json: { username: 'sari', password: PASSWORD }, ip: '192.0.2.21' })).body.token;
    const next = 'a new and longer password';
    assert.equal((await h.call('POST', '/password', { token: here, json: { current: PASSWORD, new: next } })).status, 204);
    assert.equal((await h.call('GET', '/session', { token: elsewhere })).status, 401);
    assert.equal((await h.call('GET', '/session', { token: before })).status, 401);
    assert.equal((await h.call('GET', '/session', { token: here })).status, 200, 'the session that changed it goes on');
    assert.equal((await h.call('GET', '/agencies', { token: admin })).status, 200, "other users' sessions live on");
    assert.equal((await h.call('POST', '/login', { json: { username: 'sari', password: next }, ip: '192.0.2.22' })).status, 200);
  });

  test("an administrator setting a user's password ends all that user's sessions; other changes do not", async () => {
    const first = await h.user('tono', 'supervisor');
    const second = (await h.call('POST', '/login', { json: { username: 'tono', password: PASSWORD }, ip: '192.0.2.23' })).body.token;
    const put = async (fields: Record<string, unknown>) => {
      const { updatedAt: _, ...current } = (await h.call('GET', '/users/tono', { token: admin })).body;
      const r = await h.call('PUT', '/users/tono', { token: admin, json: { ...current, ...fields } });
      assert.equal(r.status, 200, r.text);
    };
    await put({ fullName: 'Tono' });
    assert.equal((await h.call('GET', '/session', { token: first })).status, 200, 'no password: sessions stay');
    await put({ password: 'set by the administrator' });
    assert.equal((await h.call('GET', '/session', { token: first })).status, 401);
    assert.equal((await h.call('GET', '/session', { token: second })).status, 401);
    assert.equal((await h.call('GET', '/agencies', { token: admin })).status, 200);
  });

  test('an inactive user cannot log in, and its sessions stop working', async () => {
    const token = await h.user('gone', 'supervisor', { active: false });
    const r = await h.call('POST', '/login', { json: { username: 'gone', password: PASSWORD }, ip: '192.0.2.8' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'account_inactive');
    assert.equal((await h.call('GET', '/agencies', { token })).status, 401);
  });

  test('a one-time password must be changed before anything else', async () => {
    await h.user('newbie', 'supervisor', { mustChangePassword: true });
    const login = await h.call('POST', '/login', { json: { username: 'newbie', password: PASSWORD }, ip: '192.0.2.9' });
    assert.equal(login.status, 200);
    assert.equal(login.body.mustChangePassword, true);
    assert.equal(login.body.user.mustChangePassword, true);
    const token = login.body.token;
    const blocked = await h.call('GET', '/agencies', { token });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error, 'must_change_password');
    assert.equal((await h.call('GET', '/session', { token })).status, 200);

    const short = await h.call('POST', '/password', { token, json: { current: PASSWORD, new: 'short' } });
    assert.equal(short.status, 400);
    assert.deepEqual(short.body.issues.map((i: { path: string }) => i.path), ['new']);
    const wrong = await h.call('POST', '/password', { token, json: { current: 'not the password', new: 'a much longer password' } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.issues, [{ path: 'current', message: 'Kata sandi sekarang salah' }]);

    const changed = await h.call('POST', '/password', { token, json: { current: PASSWORD, new: 'a much longer password' } });
    assert.equal(changed.status, 204);
    assert.equal((await h.call('GET', '/agencies', { token })).status, 200);
    assert.equal((await h.store.get('user', 'newbie'))!.body.mustChangePassword, false);
  });

  test('unauthenticated: 401, except /login and /openapi.json', async () => {
    const r = await h.call('GET', '/agencies');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'unauthenticated');
    assert.equal((await h.call('GET', '/agencies', { token: 'not-a-token' })).status, 401);
    assert.equal((await h.call('GET', '/openapi.json')).status, 200);
  });

  test('cookie requests need X-CSRF-Token on unsafe methods; bearer requests do not', async () => {
    const { token, csrf } = await openSession(h.store, 'root');
    const cookie = `${SESSION_COOKIE}=${token}`;
    assert.equal((await h.call('GET', '/agencies', { cookie })).status, 200, 'safe method: no CSRF needed');
    const agency = { slug: 'csrf', name: 'CSRF test' };
    const missing = await h.call('POST', '/agencies', { cookie, json: agency });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error, 'csrf');
    assert.equal((await h.call('POST', '/agencies', { cookie, csrf: 'wrong', json: agency })).status, 403);
    assert.equal((await h.call('POST', '/agencies', { cookie, csrf, json: agency })).status, 201);
    assert.equal((await h.call('DELETE', '/agencies/csrf', { token })).status, 204, 'bearer: no CSRF needed');
  });

  test('sessions expire after 12 hours idle; logout ends a session', async () => {
    const { token } = await openSession(h.store, 'root');
    const { createHash } = await import('node:crypto');
    const tokenHash = createHash('sha256').update(token).digest('hex');
    const s = (await h.store.sessions.get(tokenHash))!;
    await h.store.sessions.put({ ...s, expiresAt: Date.now() - 1 });
    assert.equal((await h.call('GET', '/session', { token })).status, 401);

    const live = await openSession(h.store, 'root');
    assert.equal((await h.call('POST', '/logout', { token: live.token })).status, 204);
    assert.equal((await h.call('GET', '/session', { token: live.token })).status, 401);
    assert.equal((await h.call('GET', '/agencies', { token: admin })).status, 200, 'other sessions live on');
  });

  test('bad login bodies are 400 with field paths', async () => {
    const r = await h.call('POST', '/login', { json: { username: 'root' } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.issues, [{ path: 'password', message: 'Wajib diisi' }]);
  });
});
