/**
 * Agency configuration that would reach the server itself is refused (403) and tracked: file connectors outside the
 * allowed roots or in the data directory, proxies to internal backends the settings do not list, writing
 * operations by roles the settings do not name. Driven as a publisher and as a provider of agency a.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigImportError, importConfig } from '../../src/admin-api/config-document.ts';
import { type Harness, harness, PASSWORD, seed, settings } from './support.ts';

describe('admin api: agency configuration stays away from the server itself', () => {
  let h: Harness;
  let admin: string;
  const tokens: Record<string, string> = {};
  /** Every refusal this test provoked, by user: each must be in the tracks. */
  const refused: { username: string; operation: string }[] = [];

  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    tokens.ani = await h.user('ani', 'provider', { agency: 'a' });
    tokens.budi = await h.user('budi', 'publisher', { agency: 'a' });
    fs.symlinkSync(path.join(h.dir, 'mantra.db'), path.join(h.files, 'innocent.db'));
    fs.mkdirSync(path.join(h.files, 'dbf'));
  });
  after(() => h.close());

  const attempt = async (username: string, method: string, url: string, json: unknown) => {
    const r = await h.call(method, url, { token: tokens[username] ?? admin, json });
    if (r.status === 403) refused.push({ username, operation: `${method} ${url}` });
    return r;
  };
  const connector = (slug: string, kind: string, p: string) => ({ agency: 'a', slug, kind, path: p });
  const proxy = (slug: string, endpoint: string) => ({
    agency: 'a', service: 'kependudukan', slug, kind: 'proxy', proxy: { style: 'get', endpoint },
  });

  for (const [username, role] of [['budi', 'publisher'], ['ani', 'provider']]) {
    test(`${role}: sqlite and dbf connectors into the data directory are refused with 403`, async () => {
      const dataDirName = path.basename(h.dir);
      const attempts = [
        connector(`${username}-db`, 'sqlite', path.join(h.dir, 'mantra.db')),
        connector(`${username}-link`, 'sqlite', path.join(h.files, 'innocent.db')),
        connector(`${username}-up`, 'sqlite', `${h.files}/../${dataDirName}/mantra.db`),
        connector(`${username}-out`, 'sqlite', `${h.files}/dbf/../../elsewhere.db`),
        connector(`${username}-dbf`, 'dbf', h.dir),
        connector(`${username}-rel`, 'sqlite', path.relative(process.cwd(), path.join(h.dir, 'mantra.db'))),
      ];
      for (const body of attempts) {
        const r = await attempt(username, 'POST', '/connectors', body);
        assert.equal(r.status, 403, `${body.path}: ${r.text}`);
        assert.equal(r.body.error, 'path_not_allowed');
      }
      assert.equal((await h.store.list('connector')).filter((c) => c.body.slug.startsWith(`${username}-`)).length, 0, 'nothing was stored');

      // Moving an allowed connector there is refused the same way.
      const ok = await attempt(username, 'POST', '/connectors', connector(`${username}-own`, 'sqlite', path.join(h.files, `${username}.db`)));
      assert.equal(ok.status, 201, ok.text);
      const moved = await attempt(username, 'PUT', `/connectors/a/${username}-own`, { ...connector(`${username}-own`, 'sqlite', path.join(h.dir, 'mantra.db')), version: 1 });
      assert.equal(moved.status, 403);
      assert.equal((await h.store.get('connector', `a/${username}-own`))!.body.path, path.join(h.files, `${username}.db`));
    });

    test(`${role}: proxies to loopback, link-local and metadata addresses are refused with 403`, async () => {
      const endpoints = [
        'http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9/x',
        'http://[::ffff:127.0.0.1]:9/x', 'http://0.0.0.0:9/x',
      ];
      for (const [i, endpoint] of endpoints.entries()) {
        const r = await attempt(username, 'POST', '/operations', proxy(`${username}_internal_${i}`, endpoint));
        assert.equal(r.status, 403, `${endpoint}: ${r.text}`);
        assert.equal(r.body.error, 'internal_backend');
      }
      // A health check on this machine counts too.
      const health = { ...proxy(`${username}_health`, 'http://203.0.113.9/x'), proxy: { style: 'get', endpoint: 'http://203.0.113.9/x', health: { url: 'http://127.0.0.1:9/' } } };
      assert.equal((await attempt(username, 'POST', '/operations', health)).status, 403);
    });
  }

  test('a publisher may not save a writing operation; a provider may, unless writeRoles says otherwise', async () => {
    const writing = (slug: string) => ({
      agency: 'a', service: 'kependudukan', slug, kind: 'data',
      data: { form: 'sql', connector: 'db', sql: "update users set password_hash = 'x'", write: true },
    });
    const byPublisher = await attempt('budi', 'POST', '/operations', writing('tulis_budi'));
    assert.equal(byPublisher.status, 403);
    assert.equal(byPublisher.body.error, 'write_role');
    const table = { agency: 'a', service: 'kependudukan', slug: 'hapus_budi', kind: 'data', data: { form: 'table', connector: 'db', table: 'penduduk', action: 'delete', write: true } };
    assert.equal((await attempt('budi', 'POST', '/operations', table)).status, 403);
    // A read-only operation of a publisher is fine; turning it into a write is not.
    const read = { agency: 'a', service: 'kependudukan', slug: 'baca_budi', kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1' } };
    assert.equal((await attempt('budi', 'POST', '/operations', read)).status, 201);
    assert.equal((await attempt('budi', 'PUT', '/operations/a/kependudukan/baca_budi', { ...writing('baca_budi'), version: 1 })).status, 403);

    assert.equal((await attempt('ani', 'POST', '/operations', writing('tulis_ani'))).status, 201);
    await settings(h, { writeRoles: ['administrator'] });
    assert.equal((await attempt('ani', 'POST', '/operations', writing('tulis_ani_2'))).status, 403);
    assert.equal((await attempt('root', 'POST', '/operations', writing('tulis_root'))).status, 201);
    await settings(h, { writeRoles: ['administrator', 'provider'] });
  });

  test('inside an allowed root a file works; an internal backend the settings list works, for anyone', async () => {
    assert.equal((await attempt('budi', 'POST', '/connectors', connector('budi-files', 'dbf', path.join(h.files, 'dbf')))).status, 201);
    assert.equal((await attempt('budi', 'POST', '/connectors', connector('budi-mem', 'sqlite', ':memory:'))).status, 201);
    // The settings are the administrator's allowance: without it an administrator is refused too.
    assert.equal((await attempt('root', 'POST', '/operations', proxy('root_internal', 'http://127.0.0.1:9/x'))).status, 403);
    await settings(h, { internalBackends: ['127.0.0.1:9'] });
    for (const username of ['budi', 'ani', 'root']) {
      const r = await attempt(username, 'POST', '/operations', proxy(`${username}_allowed`, 'http://127.0.0.1:9/x'));
      assert.equal(r.status, 201, r.text);
    }
    assert.equal((await attempt('ani', 'POST', '/operations', proxy('ani_other_port', 'http://127.0.0.1:10/x'))).status, 403);
    assert.equal((await attempt('ani', 'POST', '/operations', proxy('ani_localhost', 'http://localhost:9/x'))).status, 403);
    await settings(h, { internalBackends: [] });
  });

  test('the refusals explain themselves in both languages', async () => {
    const en = await h.call('POST', '/connectors', { token: tokens.budi, json: connector('budi-en', 'sqlite', path.join(h.dir, 'mantra.db')), headers: { 'accept-language': 'en' } });
    assert.equal(en.status, 403);
    assert.match(en.body.message, /fileRoots/);
    assert.equal(en.text.includes(h.dir), false, 'the data directory is not named');
    refused.push({ username: 'budi', operation: 'POST /connectors' });
    const id = await h.call('POST', '/operations', { token: tokens.budi, json: proxy('budi_id', 'http://169.254.169.254/') });
    assert.match(id.body.message, /alamat internal \(metadata\)/);
    refused.push({ username: 'budi', operation: 'POST /operations' });
  });

  test('every refusal above is in the tracks, as interface admin with the user and status 403', async () => {
    await h.tracker.flush();
    const tracks = (await h.store.tracks({ limit: 100_000 })).filter((t) => t.interface === 'admin' && t.status === 403);
    for (const username of ['budi', 'ani']) {
      const mine = refused.filter((r) => r.username === username);
      assert.ok(mine.length >= 10, `${username} was refused ${mine.length} times`);
      for (const operation of new Set(mine.map((r) => r.operation))) {
        const expected = mine.filter((r) => r.operation === operation).length;
        const found = tracks.filter((t) => t.consumer === username && t.operation === operation).length;
        assert.equal(found, expected, `${username} ${operation}`);
      }
    }
    const one = tracks.find((t) => t.consumer === 'budi')!;
    assert.equal(one.agency, 'a');
    assert.equal(one.code, 0);
    assert.equal(one.remote, '192.0.2.1');
    assert.ok(['path_not_allowed', 'internal_backend', 'write_role'].includes(one.note!));
  });

  test('a configuration document cannot bring them in either', async () => {
    const doc = (entities: Record<string, unknown[]>) => ({ mantra: 'config', version: 1, entities });
    const refusedBy = async (entities: Record<string, unknown[]>, at: string) => {
      const err = await importConfig(h.store, doc(entities), { dataDir: h.dir }).then(() => undefined, (e) => e);
      assert.ok(err instanceof ConfigImportError, at);
      assert.ok(err.issues.some((i: { path: string }) => i.path.startsWith(at)), `${at}: ${JSON.stringify(err.issues)}`);
    };
    await refusedBy({ connector: [connector('imp', 'sqlite', path.join(h.dir, 'mantra.db'))] }, 'entities.connector.0.path');
    await refusedBy({ connector: [connector('imp', 'sqlite', path.join(h.files, 'innocent.db'))] }, 'entities.connector.0.path');
    await refusedBy({ operation: [proxy('imp_meta', 'http://169.254.169.254/')] }, 'entities.operation.0.proxy');
    // The document's own settings are what counts, and no root may hold the data directory.
    await refusedBy({ settings: [{ fileRoots: ['/'] }], connector: [connector('imp', 'sqlite', path.join(h.dir, 'mantra.db'))] }, 'entities.settings.0.fileRoots.0');
    assert.equal(await h.store.get('connector', 'a/imp'), undefined);
    const ok = await importConfig(h.store, doc({ connector: [connector('imp', 'sqlite', path.join(h.files, 'imported.db'))] }), { dataDir: h.dir });
    assert.equal(ok.connector.created, 1);
  });
});

describe('admin api: every unsafe request is tracked, whatever its outcome', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = harness();
    token = await h.user('root', 'administrator');
    await h.user('ani', 'provider', { agency: 'a' });
  });
  after(() => h.close());

  const tracks = async () => {
    await h.tracker.flush();
    return (await h.store.tracks({ limit: 1000 })).filter((t) => t.interface === 'admin');
  };

  test('201, 400, 401 and a failed login are tracked; reads are not; no password in any track', async () => {
    assert.equal((await h.call('POST', '/agencies', { token, json: { slug: 'a', name: 'A' }, headers: { 'user-agent': 'test-agent' } })).status, 201);
    assert.equal((await h.call('POST', '/agencies', { token, json: { slug: 'Not A Slug' } })).status, 400);
    assert.equal((await h.call('DELETE', '/agencies/a')).status, 401);
    assert.equal((await h.call('GET', '/agencies', { token })).status, 200);
    const wrong = 'wrong-password-never-tracked';
    assert.equal((await h.call('POST', '/login', { json: { username: 'ani', password: wrong }, ip: '198.51.100.4' })).status, 401);
    assert.equal((await h.call('POST', '/login', { json: { username: 'ani', password: PASSWORD }, ip: '198.51.100.4' })).status, 200);

    const got = await tracks();
    const brief = got.map((t) => [t.operation, t.status, t.consumer ?? null, t.note ?? null]);
    assert.deepEqual(brief, [
      ['POST /agencies', 201, 'root', null],
      ['POST /agencies', 400, 'root', 'validation'],
      ['DELETE /agencies/a', 401, null, 'unauthenticated'],
      ['POST /login', 401, null, 'login_failed'],
      ['POST /login', 200, 'ani', null],
    ]);
    assert.equal(got[0].userAgent, 'test-agent');
    assert.equal(got[3].remote, '198.51.100.4');
    const all = JSON.stringify(await h.store.tracks({ limit: 1000 }));
    assert.equal(all.includes(wrong), false);
    assert.equal(all.includes(PASSWORD), false);
  });
});
