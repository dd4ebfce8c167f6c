import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Harness, harness, rawEntities, seed } from './support.ts';

const base = { consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik', purpose: 'verifikasi NIK' };

describe('admin api: subscriptions and their keys', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = harness();
    token = await h.user('root', 'administrator');
    await seed(h, token);
  });
  after(() => h.close());

  test('a generated key is returned once; only its keyed hash and a hint are stored', async () => {
    const created = await h.call('POST', '/subscriptions', { token, json: { ...base, status: 'approved', rateLimit: 60 } });
    assert.equal(created.status, 201, created.text);
    const { id, key } = created.body;
    assert.match(id, /^[a-z0-9-]{1,64}$/);
    assert.match(key, /^[a-z0-9]{32}$/);
    assert.equal(created.body.keyHint, key.slice(0, 4));
    assert.equal('keyHash' in created.body, false);

    const stored = (await h.store.get('subscription', id))!.body;
    assert.equal(stored.keyHash, h.secrets.hashKey(key));
    assert.equal(rawEntities(h.dir).includes(key), false, 'the key is nowhere in the store');

    const read = await h.call('GET', `/subscriptions/${id}`, { token });
    assert.equal(read.status, 200);
    assert.equal(read.text.includes(key), false);
    assert.equal('key' in read.body || 'keyHash' in read.body, false);
    const list = await h.call('GET', '/subscriptions?consumer=b/app', { token });
    assert.equal(list.body.items.length, 1);
    assert.equal(list.text.includes(key), false);
    assert.equal(list.text.includes(stored.keyHash), false);

    // An update (approve, limits) never changes or shows the key.
    const { updatedAt: _, ...fields } = read.body;
    const updated = await h.call('PUT', `/subscriptions/${id}`, { token, json: { ...fields, quota: 1000 } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.quota, 1000);
    assert.equal('key' in updated.body, false);
    assert.equal((await h.store.get('subscription', id))!.body.keyHash, stored.keyHash);
    const renamed = await h.call('PUT', `/subscriptions/${id}`, { token, json: { ...fields, id: 'other', version: 2 } });
    assert.equal(renamed.status, 400);
  });

  test('an existing MANTRA key is accepted; the same key twice for one operation is 409', async () => {
    const mantraKey = 'a1b2c3d4e5';
    const created = await h.call('POST', '/subscriptions', { token, json: { ...base, key: mantraKey } });
    assert.equal(created.status, 201);
    assert.equal(created.body.key, mantraKey);
    assert.equal((await h.store.get('subscription', created.body.id))!.body.keyHash, h.secrets.hashKey(mantraKey));
    assert.equal(rawEntities(h.dir).includes(mantraKey), false);

    const twice = await h.call('POST', '/subscriptions', { token, json: { ...base, key: mantraKey } });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error, 'duplicate_key');

    const tooLong = await h.call('POST', '/subscriptions', { token, json: { ...base, key: 'k'.repeat(129) } });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.body.issues.map((i: { path: string }) => i.path), ['key']);
    const empty = await h.call('POST', '/subscriptions', { token, json: { ...base, key: '' } });
    assert.equal(empty.status, 400);
  });

  test('rotate-key returns a new key once and the old one stops matching', async () => {
    const created = await h.call('POST', '/subscriptions', { token, json: base });
    const { id, key: oldKey } = created.body;
    const rotated = await h.call('POST', `/subscriptions/${id}/rotate-key`, { token });
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.key, oldKey);
    assert.equal(rotated.body.version, 2);
    const stored = (await h.store.get('subscription', id))!.body;
    assert.equal(stored.keyHash, h.secrets.hashKey(rotated.body.key));
    assert.equal(stored.keyHint, rotated.body.key.slice(0, 4));
    assert.equal((await h.call('GET', `/subscriptions/${id}`, { token })).text.includes(rotated.body.key), false);

    const chosen = await h.call('POST', `/subscriptions/${id}/rotate-key`, { token, json: { key: 'my-mantra-key' } });
    assert.equal(chosen.body.key, 'my-mantra-key');
    assert.equal((await h.store.get('subscription', id))!.body.keyHash, h.secrets.hashKey('my-mantra-key'));
    assert.equal((await h.call('POST', '/subscriptions/no-such-id/rotate-key', { token })).status, 404);
  });

  test('the operation and the consumer must exist; a consumer in use cannot be deleted', async () => {
    const r = await h.call('POST', '/subscriptions', { token, json: { ...base, consumer: 'b/ghost', operation: 'ghost' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'reference');
    assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path), ['operation', 'consumer']);
    const inUse = await h.call('DELETE', '/consumers/b/app', { token });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.error, 'in_use');
    assert.equal((await h.call('DELETE', '/operations/a/kependudukan/penduduk_by_nik', { token })).status, 409);
  });

  test('ipAllowlist: addresses and CIDR ranges of both families are kept; any other entry is a 400 that names it', async () => {
    const good = ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1'];
    const created = await h.call('POST', '/subscriptions', { token, json: { ...base, ipAllowlist: [...good.slice(0, 3), ' ::1 '] } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.ipAllowlist, good);
    const bad = await h.call('POST', '/subscriptions', { token, json: { ...base, ipAllowlist: ['10.0.0.0/8', 'not-an-ip', '10.0.0.0/33'] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues.map((i: { path: string }) => i.path), ['ipAllowlist.1', 'ipAllowlist.2']);
    assert.match(bad.body.issues[0].message, /"not-an-ip"/);
    const read = await h.call('GET', `/subscriptions/${created.body.id}`, { token });
    const { updatedAt: _, ...fields } = read.body;
    const update = await h.call('PUT', `/subscriptions/${created.body.id}`, { token, json: { ...fields, ipAllowlist: ['2001:db8::/200'] } });
    assert.equal(update.status, 400);
    assert.match(update.body.issues[0].message, /"2001:db8::\/200"/);
    assert.deepEqual((await h.store.get('subscription', created.body.id))!.body.ipAllowlist, good, 'nothing was saved');
  });

  test('create body: unknown fields and keyHash are refused', async () => {
    const r = await h.call('POST', '/subscriptions', { token, json: { ...base, keyHash: 'x', id: 'mine' } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path).sort(), ['id', 'keyHash']);
  });
});
