import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Credentials } from '../../src/gateway/credentials.ts';
import { type Harness, harness, PASSWORD, rawEntities, seed } from './support.ts';

describe('admin api: password reset and application keys', () => {
  let h: Harness;
  let admin: string, requester: string, provider: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    requester = await h.user('citra', 'requester', { agency: 'b' });
    provider = await h.user('ani', 'provider', { agency: 'a' });
  });
  after(() => h.close());

  test('an administrator resets a password: a one-time password shown once, sessions ended, a change required', async () => {
    const old = await h.user('budi', 'publisher', { agency: 'a' });
    assert.equal((await h.call('POST', '/users/budi/reset-password', { token: provider })).status, 403);
    const r = await h.call('POST', '/users/budi/reset-password', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.password, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    assert.equal(rawEntities(h.dir).includes(r.body.password), false);
    assert.equal((await h.call('GET', '/session', { token: old })).status, 401);
    assert.equal((await h.call('POST', '/login', { json: { username: 'budi', password: PASSWORD } })).status, 401, 'the old password is gone');
    const signedIn = await h.call('POST', '/login', { json: { username: 'budi', password: r.body.password } });
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.mustChangePassword, true);
    assert.equal((await h.call('GET', '/services', { token: signedIn.body.token })).body.error, 'must_change_password');
    const changed = await h.call('POST', '/password', { token: signedIn.body.token, json: { current: r.body.password, new: 'a brand new password' } });
    assert.equal(changed.status, 204);
    assert.equal((await h.call('GET', '/services', { token: signedIn.body.token })).status, 200);
    assert.equal((await h.call('POST', '/users/ghost/reset-password', { token: admin })).status, 404);
  });

  test("a consumer's application key: made by its agency's requester, shown once, kept as a keyed hash, replaced and removed", async () => {
    assert.equal((await h.call('POST', '/consumers/b/app/app-key', { token: provider })).status, 403);
    const made = await h.call('POST', '/consumers/b/app/app-key', { token: requester });
    assert.equal(made.status, 200, made.text);
    assert.match(made.body.key, /^[a-z0-9]{32}$/, '32 characters of 36: 165 bits');
    assert.equal(made.body.keyHint, made.body.key.slice(0, 4));
    const stored = (await h.store.get('consumer', 'b/app'))!.body;
    assert.equal(stored.keyHash, h.secrets.hashKey(made.body.key));
    assert.equal(rawEntities(h.dir).includes(made.body.key), false);
    const view = await h.call('GET', '/consumers/b/app', { token: requester });
    assert.equal(view.body.keyHint, made.body.keyHint);
    assert.equal('keyHash' in view.body || view.text.includes(made.body.key), false);

    // An update of the consumer keeps the key, whatever the body says.
    const { updatedAt: _, ...fields } = view.body;
    const put = await h.call('PUT', '/consumers/b/app', { token: requester, json: { ...fields, name: 'Renamed', keyHint: 'zzzz' } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await h.store.get('consumer', 'b/app'))!.body.keyHash, stored.keyHash);
    assert.equal((await h.call('POST', '/consumers', { token: requester, json: { agency: 'b', slug: 'x', keyHash: 'forged' } })).status, 400);

    // The gateway's credentials find the consumer by the key's hash (the calls themselves: test/subscription-flow.test.ts).
    const owner = async (key: string) => new Credentials(await h.store.list('consumer'), await h.store.list('subscription')).consumerOfKey(h.secrets.hashKey(key));
    assert.equal(await owner(made.body.key), 'b/app');
    const replaced = await h.call('POST', '/consumers/b/app/app-key', { token: admin });
    assert.notEqual(replaced.body.key, made.body.key);
    assert.equal(await owner(made.body.key), undefined, 'the old key no longer matches');
    assert.equal(await owner(replaced.body.key), 'b/app');
    assert.equal((await h.call('DELETE', '/consumers/b/app/app-key', { token: requester })).status, 204);
    assert.equal((await h.store.get('consumer', 'b/app'))!.body.keyHash, undefined);
    assert.equal(await owner(replaced.body.key), undefined);
    assert.equal((await h.call('POST', '/consumers/b/ghost/app-key', { token: admin })).status, 404);
  });
});
