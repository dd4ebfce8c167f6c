import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Harness, harness, seed } from './support.ts';

const paths = (r: { body: { issues?: { path: string }[] } }) => (r.body.issues ?? []).map((i) => i.path).sort();

/** One row per kind: how to create it, change it and get it wrong. Subscriptions have their own file. */
const kindCases = [
  {
    kind: 'agency', collection: '/agencies', item: '/agencies/c',
    create: { slug: 'c', name: 'Agency C' },
    change: { name: 'Agency C, renamed' },
    invalid: { slug: 'Bad Slug', name: 5, extra: true }, invalidPaths: ['extra', 'name', 'slug'],
  },
  {
    kind: 'connector', collection: '/connectors', item: '/connectors/a/pg',
    create: { agency: 'a', slug: 'pg', kind: 'postgres', host: 'db.internal', port: 5432, database: 'sipp', user: 'sipp' },
    change: { port: 5433 },
    invalid: { agency: 'a', slug: 'x', kind: 'nosql', port: 0 }, invalidPaths: ['kind', 'port'],
  },
  {
    kind: 'service', collection: '/services', item: '/services/a/pajak',
    create: { agency: 'a', slug: 'pajak', name: 'Pajak' },
    change: { description: 'Pajak daerah' },
    invalid: { agency: 'a', name: 'no slug' }, invalidPaths: ['slug'],
  },
  {
    kind: 'operation', collection: '/operations', item: '/operations/a/kependudukan/keluarga',
    create: { agency: 'a', service: 'kependudukan', slug: 'keluarga', kind: 'data', data: { form: 'table', connector: 'db', table: 'keluarga' } },
    change: { description: 'Kartu keluarga', restricted: true },
    invalid: { agency: 'a', service: 'kependudukan', slug: 'x', kind: 'data', data: { form: 'table', connector: 'db', table: 'bad table!', rowCap: 'many' } },
    invalidPaths: ['data.rowCap', 'data.table'],
  },
  {
    kind: 'consumer', collection: '/consumers', item: '/consumers/b/portal',
    create: { agency: 'b', slug: 'portal', name: 'Portal' },
    change: { contact: 'it@b.go.id' },
    invalid: { agency: 'b', slug: 'portal2', name: ['x'] }, invalidPaths: ['name'],
  },
  {
    kind: 'user', collection: '/users', item: '/users/budi',
    create: { username: 'budi', role: 'supervisor', password: 'a long enough password' },
    change: { fullName: 'Budi Santoso' },
    invalid: { username: 'x', role: 'boss', password: 'short' }, invalidPaths: ['password', 'role', 'username'],
  },
] as const;

describe('admin api: CRUD of every kind', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = harness();
    token = await h.user('root', 'administrator');
    await seed(h, token);
  });
  after(() => h.close());

  for (const k of kindCases) {
    test(`${k.kind}: 201, 409 on the same id, 200, PUT with version, 409 on a stale version, 400, 404, 204`, async () => {
      const created = await h.call('POST', k.collection, { token, json: k.create });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.version, 1);
      assert.match(created.body.updatedAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal('password' in created.body || 'passwordHash' in created.body, false);

      const again = await h.call('POST', k.collection, { token, json: k.create });
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'conflict');

      const read = await h.call('GET', k.item, { token });
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created.body);

      const { updatedAt: _, ...readBack } = read.body;
      const body = { ...readBack, ...k.change };
      const updated = await h.call('PUT', k.item, { token, json: body });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.version, 2);
      for (const [field, value] of Object.entries(k.change)) assert.deepEqual(updated.body[field], value);

      const stale = await h.call('PUT', k.item, { token, json: body });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error, 'version_conflict');
      assert.equal(stale.body.currentVersion, 2);

      const bad = await h.call('POST', k.collection, { token, json: k.invalid });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'validation');
      assert.deepEqual(paths(bad), [...k.invalidPaths]);

      const list = await h.call('GET', k.collection, { token });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((i: { version: number; updatedAt: string }) => i.version === 2 && i.updatedAt === updated.body.updatedAt));

      assert.equal((await h.call('DELETE', k.item, { token })).status, 204);
      const gone = await h.call('GET', k.item, { token });
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error, 'not_found');
      assert.equal((await h.call('DELETE', k.item, { token })).status, 404);
      assert.equal((await h.call('PUT', k.item, { token, json: body })).status, 404);
    });
  }

  test('PUT needs the version; ids cannot change; an identical PUT keeps the version', async () => {
    const item = '/services/a/kependudukan';
    const current = (await h.call('GET', item, { token })).body;
    const { version, updatedAt: _, ...fields } = current;
    const noVersion = await h.call('PUT', item, { token, json: fields });
    assert.equal(noVersion.status, 400);
    assert.deepEqual(noVersion.body.issues, [{ path: 'version', message: 'Wajib diisi' }]);
    const moved = await h.call('PUT', item, { token, json: { ...fields, slug: 'other', version } });
    assert.equal(moved.status, 400);
    assert.deepEqual(paths(moved), ['slug']);
    const same = await h.call('PUT', item, { token, json: { ...fields, version } });
    assert.equal(same.status, 200);
    assert.equal(same.body.version, version);
  });

  test('DELETE ?version= refuses a stale version', async () => {
    await h.call('POST', '/consumers', { token, json: { agency: 'b', slug: 'temp' } });
    const r = await h.call('DELETE', '/consumers/b/temp?version=7', { token });
    assert.equal(r.status, 409);
    assert.equal(r.body.currentVersion, 1);
    assert.equal((await h.call('DELETE', '/consumers/b/temp?version=1', { token })).status, 204);
  });

  test('references must exist; entries still referred to cannot be deleted (409)', async () => {
    const orphan = await h.call('POST', '/services', { token, json: { agency: 'nowhere', slug: 's' } });
    assert.equal(orphan.status, 400);
    assert.equal(orphan.body.error, 'reference');
    assert.deepEqual(orphan.body.issues, [{ path: 'agency', message: 'Instansi "nowhere" tidak ada' }]);

    const noConnector = await h.call('POST', '/operations', {
      token, headers: { 'accept-language': 'en' },
      json: { agency: 'a', service: 'kependudukan', slug: 'x', kind: 'data', data: { form: 'sql', connector: 'missing', sql: 'select 1' } },
    });
    assert.equal(noConnector.status, 400);
    assert.deepEqual(noConnector.body.issues, [{ path: 'data.connector', message: 'Connector "a/missing" does not exist' }]);

    const agencyInUse = await h.call('DELETE', '/agencies/a', { token });
    assert.equal(agencyInUse.status, 409);
    assert.equal(agencyInUse.body.error, 'in_use');
    const connectorInUse = await h.call('DELETE', '/connectors/a/db?lang=en', { token });
    assert.equal(connectorInUse.status, 409);
    assert.equal(connectorInUse.body.message, 'Connector "a/db" is still used by 1 Operation');
    const serviceInUse = await h.call('DELETE', '/services/a/kependudukan', { token });
    assert.equal(serviceInUse.status, 409);
    assert.equal(serviceInUse.body.message, 'Layanan "a/kependudukan" masih dipakai oleh 1 Operasi');
  });

  test('malformed JSON, wrong content type, unknown fields and wrong types are 400/415 in JSON', async () => {
    const malformed = await h.call('POST', '/agencies', { token, raw: '{"slug": "x",' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body, { error: 'malformed_json', message: 'Badan permintaan bukan JSON yang sah' });

    const noType = await h.call('POST', '/agencies', { token, raw: '{"slug":"x","name":"X"}', headers: { 'content-type': 'text/plain' } });
    assert.equal(noType.status, 415);
    assert.equal(noType.body.error, 'unsupported_media_type');

    const unknown = await h.call('POST', '/agencies', { token, json: { slug: 'x', name: 'X', boss: 'me' } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.issues, [{ path: 'boss', message: 'Kolom tidak dikenal' }]);

    const nested = await h.call('POST', '/operations', {
      token,
      json: { agency: 'a', service: 'kependudukan', slug: 'y', kind: 'data', params: [{ name: 'nik', kind: 'x' }], data: { form: 'sql', connector: 'db', sql: 'select 1' } },
    });
    assert.equal(nested.status, 400);
    assert.deepEqual(paths(nested), ['params.0.kind']);

    const wrongType = await h.call('POST', '/connectors', { token, json: { agency: 'a', slug: 'x', kind: 'mysql', port: '3306' } });
    assert.equal(wrongType.status, 400);
    assert.deepEqual(wrongType.body.issues, [{ path: 'port', message: 'Input tidak valid: diharapkan number, diterima string' }]);

    const notObject = await h.call('POST', '/agencies', { token, raw: '[1,2]' });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.error, 'validation');

    const badParam = await h.call('GET', '/agencies/NOT%20A%20SLUG', { token });
    assert.equal(badParam.status, 400);
    assert.deepEqual(paths(badParam), ['slug']);
  });

  test('English with Accept-Language: en or ?lang=en', async () => {
    const header = await h.call('POST', '/connectors', { token, json: { agency: 'a', slug: 'x', kind: 'mysql', port: '3306' }, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    assert.deepEqual(header.body, {
      error: 'validation', message: 'Invalid input',
      issues: [{ path: 'port', message: 'Invalid input: expected number, received string' }],
    });
    const query = await h.call('GET', '/agencies/zzz?lang=en', { token });
    assert.deepEqual(query.body, { error: 'not_found', message: 'Agency "zzz" not found' });
    const indonesian = await h.call('GET', '/agencies/zzz', { token });
    assert.deepEqual(indonesian.body, { error: 'not_found', message: 'Instansi "zzz" tidak ditemukan' });
  });

  test('a body over 1 MiB is 413 in JSON; unknown routes are 404 in JSON', async () => {
    const big = JSON.stringify({ slug: 'big', name: 'x', description: 'x'.repeat(1024 * 1024) });
    const tooLarge = await h.call('POST', '/agencies', { token, raw: big });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error, 'too_large');
    const declared = await h.call('POST', '/agencies', { token, raw: '{}', headers: { 'content-length': String(2 * 1024 * 1024) } });
    assert.equal(declared.status, 413);

    const unknown = await h.call('GET', '/no/such/route', { token, headers: { 'accept-language': 'en' } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: 'route_not_found', message: 'Unknown route: GET /admin/api/no/such/route' });
    const wrongMethod = await h.call('PATCH', '/agencies/a', { token });
    assert.equal(wrongMethod.status, 404);
    assert.equal(wrongMethod.body.error, 'route_not_found');
  });

  test('list filters', async () => {
    const r = await h.call('GET', '/operations?agency=a&service=kependudukan', { token });
    assert.deepEqual(r.body.items.map((o: { slug: string }) => o.slug), ['penduduk_by_nik']);
    assert.deepEqual((await h.call('GET', '/operations?agency=b', { token })).body.items, []);
  });

  test('users: the password is hashed and never shown; the last administrator stays', async () => {
    const created = await h.call('POST', '/users', { token, json: { username: 'siti', role: 'provider', agency: 'a', password: 'another long password' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.mustChangePassword, true, 'a password set by an administrator is a one-time password');
    assert.equal(JSON.stringify(created.body).includes('password"'), false);
    const stored = (await h.store.get('user', 'siti'))!.body;
    assert.match(stored.passwordHash, /^scrypt\$/);
    const { updatedAt: _, ...fields } = created.body;
    const renamed = await h.call('PUT', '/users/siti', { token, json: { ...fields, fullName: 'Siti' } });
    assert.equal(renamed.status, 200);
    assert.equal((await h.store.get('user', 'siti'))!.body.passwordHash, stored.passwordHash, 'no password given: unchanged');

    const noAgency = await h.call('POST', '/users', { token, json: { username: 'tono', role: 'provider', password: 'another long password' } });
    assert.equal(noAgency.status, 400);
    assert.deepEqual(paths(noAgency), ['agency']);

    assert.equal((await h.call('DELETE', '/users/root', { token })).body.error, 'delete_self');
    const root = (await h.call('GET', '/users/root', { token })).body;
    const { updatedAt: __, ...rootFields } = root;
    const demoted = await h.call('PUT', '/users/root', { token, json: { ...rootFields, role: 'supervisor' } });
    assert.equal(demoted.status, 409);
    assert.equal(demoted.body.error, 'last_admin');
  });
});
