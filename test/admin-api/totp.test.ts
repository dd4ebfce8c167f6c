import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { type Harness, harness, PASSWORD, rawEntities, settings } from './support.ts';

/** The code of the time step `offset` steps from now (the server accepts one step either side). */
const codeAt = (secret: string, offset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

describe('admin api: TOTP (RFC 6238) two-step sign-in', () => {
  let h: Harness;
  let admin: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
  });
  after(() => h.close());

  const login = (username: string, code?: string, ip = '192.0.2.50') =>
    h.call('POST', '/login', { json: { username, password: PASSWORD, ...(code !== undefined ? { code } : {}) }, ip });

  /** Enrols and confirms (with the code of the step before now); returns the secret. */
  async function enrol(token: string) {
    const r = await h.call('POST', '/totp/enrol', { token, json: { password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    const confirmed = await h.call('POST', '/totp/confirm', { token, json: { code: await codeAt(r.body.secret, -1) } });
    assert.equal(confirmed.status, 204, confirmed.text);
    return r.body.secret as string;
  }

  test('enrolment: the secret is shown once as an otpauth:// URI, stored encrypted, and confirmed by a first code', async () => {
    const token = await h.user('ani', 'provider', { agency: 'a' });
    const other = (await login('ani')).body.token;
    assert.equal((await h.call('POST', '/totp/enrol', { token, json: { password: 'wrong password' } })).status, 400);
    const r = await h.call('POST', '/totp/enrol', { token, json: { password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
    assert.equal(r.body.uri, `otpauth://totp/Mantra:ani?secret=${r.body.secret}&issuer=Mantra`);
    const stored = (await h.store.get('user', 'ani'))!.body.totp!;
    assert.equal(stored.confirmed, false);
    assert.equal(h.secrets.decrypt(stored.secret), r.body.secret);
    assert.equal(rawEntities(h.dir).includes(r.body.secret), false, 'the secret is nowhere in the store in clear');
    assert.equal((await h.call('GET', '/users/ani', { token: admin })).text.includes(stored.secret), false);
    assert.equal((await h.call('GET', '/users/ani', { token: admin })).body.totpEnabled, false);

    assert.equal((await login('ani')).status, 200, 'no code asked before the confirmation');
    const wrong = await h.call('POST', '/totp/confirm', { token, json: { code: '000000' } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.issues.map((i: { path: string }) => i.path), ['code']);
    assert.equal((await h.call('POST', '/totp/confirm', { token, json: { code: await codeAt(r.body.secret, 0) } })).status, 204);
    assert.equal((await h.call('GET', '/users/ani', { token: admin })).body.totpEnabled, true);
    assert.equal((await h.call('GET', '/session', { token })).status, 200, 'this session goes on');
    assert.equal((await h.call('GET', '/session', { token: other })).status, 401, 'sessions opened without the code end');
    assert.equal((await h.call('POST', '/totp/enrol', { token, json: { password: PASSWORD } })).status, 409, 'active: disable first');
  });

  test('login asks for the code once the password is right; a wrong or replayed code is refused; an unknown user learns nothing', async () => {
    const token = await h.user('budi', 'requester', { agency: 'b' });
    const secret = await enrol(token);
    const missing = await login('budi');
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, 'totp_required');
    assert.equal(missing.body.totpRequired, true);
    assert.equal((await login('budi', '123456')).body.error, 'totp_failed');
    const code = await codeAt(secret, 0);
    const ok = await login('budi', code);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.user.totpEnabled, true);
    const replay = await login('budi', code);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'totp_failed', 'a code is good once');
    const wrongPassword = await h.call('POST', '/login', { json: { username: 'budi', password: 'not the password', code: await codeAt(secret, 1) } });
    const unknown = await h.call('POST', '/login', { json: { username: 'nobody-here', password: 'not the password', code: '123456' } });
    assert.deepEqual([wrongPassword.status, wrongPassword.body], [unknown.status, unknown.body], 'the same answer for a wrong password and an unknown user');
  });

  test('wrong codes count as failed sign-ins: the throttle holds the pair back', async () => {
    const token = await h.user('cici', 'requester', { agency: 'b' });
    await enrol(token);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login('cici', '000000', '198.51.100.9')).status);
    assert.ok(statuses.includes(429), `throttled after repeated wrong codes: ${statuses}`);
  });

  test('disable needs a current code; an administrator can reset a lost second factor', async () => {
    const token = await h.user('dedi', 'publisher', { agency: 'a' });
    const secret = await enrol(token);
    assert.equal((await h.call('POST', '/totp/disable', { token, json: { code: '000000' } })).status, 400);
    assert.equal((await h.call('POST', '/totp/disable', { token, json: { code: await codeAt(secret, 0) } })).status, 204);
    assert.equal((await login('dedi')).status, 200, 'no code asked any more');

    const again = (await login('dedi')).body.token;
    await enrol(again);
    assert.equal((await login('dedi')).body.error, 'totp_required');
    assert.equal((await h.call('POST', '/users/dedi/totp/reset', { token: again })).status, 403, 'not by oneself');
    assert.equal((await h.call('POST', '/users/dedi/totp/reset', { token: admin })).status, 204);
    assert.equal((await h.call('GET', '/session', { token: again })).status, 401, "the user's sessions end");
    assert.equal((await login('dedi')).status, 200);
    assert.equal((await h.call('POST', '/users/ghost/totp/reset', { token: admin })).status, 404);
  });

  test('totpRequiredForAdmins: an administrator without TOTP may only enrol; then everything; it cannot be disabled', async () => {
    await settings(h, { totpRequiredForAdmins: true });
    const signedIn = await login('root');
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.totpEnrolmentRequired, true);
    const token = signedIn.body.token;
    const held = await h.call('GET', '/agencies', { token, headers: { 'accept-language': 'en' } });
    assert.equal(held.status, 403);
    assert.equal(held.body.error, 'totp_enrolment_required');
    assert.equal((await h.call('GET', '/session', { token })).status, 200);
    const others = await h.user('eka', 'provider', { agency: 'a' });
    assert.equal((await h.call('GET', '/agencies', { token: others })).status, 200, 'other roles are not held');

    const secret = await enrol(token);
    assert.equal((await h.call('GET', '/agencies', { token })).status, 200);
    assert.equal((await h.call('GET', '/session', { token })).body.totpEnrolmentRequired, false);
    const off = await h.call('POST', '/totp/disable', { token, json: { code: await codeAt(secret, 0) } });
    assert.equal(off.status, 409);
    assert.equal(off.body.error, 'totp_mandatory');
    assert.equal((await login('root')).body.error, 'totp_required');
    await settings(h, { totpRequiredForAdmins: false });
  });
});
