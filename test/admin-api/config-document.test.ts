import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigImportError, exportConfig, importConfig } from '../../src/admin-api/config-document.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { type Harness, harness, seed } from './support.ts';

/** Fresh stores, closed and removed after the file. */
const opened: { store: Store; dir: string }[] = [];
function freshStore(): Store {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-config-'));
  const store = openSqliteStore(dir);
  opened.push({ store, dir });
  return store;
}

const versions = async (store: Store) => {
  const out: Record<string, number> = {};
  for (const kind of ['agency', 'user', 'connector', 'service', 'operation', 'consumer', 'subscription'] as const) {
    for (const s of await store.list(kind)) out[`${kind} ${s.id}`] = s.version;
  }
  return out;
};

describe('config export and import', () => {
  let h: Harness;
  before(async () => {
    h = harness();
    const token = await h.user('root', 'administrator');
    await seed(h, token);
    await h.call('POST', '/connectors', { token, json: { agency: 'a', slug: 'pg', kind: 'postgres', host: 'h', password: 'pw-secret' } });
    const sub = await h.call('POST', '/subscriptions', { token, json: { consumer: 'b/app', agency: 'a', service: 'kependudukan', operation: 'penduduk_by_nik' } });
    assert.equal(sub.status, 201);
  });
  after(() => {
    h.close();
    for (const { store, dir } of opened) {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('export holds every kind, secrets encrypted, hashes as hashes, and a note', async () => {
    const doc = await exportConfig(h.store);
    assert.equal(doc.mantra, 'config');
    assert.equal(doc.version, 1);
    assert.match(doc.note, /master key/);
    assert.deepEqual(Object.keys(doc.entities), ['agency', 'user', 'connector', 'service', 'operation', 'consumer', 'subscription', 'settings']);
    assert.equal(doc.entities.agency.length, 2);
    const pg = doc.entities.connector.find((c) => c.slug === 'pg')!;
    assert.ok(pg.password!.startsWith('enc:v1:'));
    assert.match(doc.entities.user[0].passwordHash, /^scrypt\$/);
    assert.match(doc.entities.subscription[0].keyHash, /^[0-9a-f]{64}$/);
    assert.equal(JSON.stringify(doc).includes('pw-secret'), false);
  });

  test('round trip into a fresh store gives the same entities; a second import changes nothing', async () => {
    const doc = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    const target = freshStore();
    const counts = await importConfig(target, doc);
    assert.deepEqual(counts.agency, { created: 2, updated: 0, unchanged: 0, deleted: 0 });
    assert.equal(counts.subscription.created, 1);
    assert.deepEqual((await exportConfig(target)).entities, doc.entities);

    const before = await versions(target);
    const again = await importConfig(target, doc);
    for (const [kind, c] of Object.entries(again)) {
      assert.equal(c.created + c.updated + c.deleted, 0, kind);
      assert.equal(c.unchanged, doc.entities[kind].length, kind);
    }
    assert.deepEqual(await versions(target), before, 'versions unchanged');

    doc.entities.service[0].description = 'changed';
    const changed = await importConfig(target, doc);
    assert.deepEqual(changed.service, { created: 0, updated: 1, unchanged: 0, deleted: 0 });
  });

  test('an invalid document writes nothing', async () => {
    const target = freshStore();
    const doc = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    doc.entities.connector[0].port = 'not a port';
    await assert.rejects(importConfig(target, doc), (err: unknown) => {
      assert.ok(err instanceof ConfigImportError);
      assert.deepEqual(err.issues.map((i) => i.path), ['entities.connector.0.port']);
      return true;
    });
    assert.deepEqual(await versions(target), {});

    // Valid entities, but a reference to nothing: refused as a whole, too.
    const dangling = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    dangling.entities.agency = dangling.entities.agency.filter((a: { slug: string }) => a.slug !== 'b');
    await assert.rejects(importConfig(target, dangling), (err: unknown) => {
      assert.ok(err instanceof ConfigImportError);
      assert.deepEqual(err.issues.map((i) => i.path), ['entities.consumer.0.agency']);
      return true;
    });
    assert.deepEqual(await versions(target), {});

    const badIp = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    badIp.entities.subscription[0].ipAllowlist = ['not-an-ip'];
    await assert.rejects(importConfig(target, badIp), (err: unknown) => {
      assert.ok(err instanceof ConfigImportError);
      assert.deepEqual(err.issues.map((i) => [i.path, /"not-an-ip"/.test(i.message)]), [['entities.subscription.0.ipAllowlist.0', true]]);
      return true;
    });
    assert.deepEqual(await versions(target), {});

    await assert.rejects(importConfig(target, { mantra: 'config', version: 2, entities: {} }), ConfigImportError);
    await assert.rejects(importConfig(target, { mantra: 'config', version: 1, entities: { gadget: [] } }), ConfigImportError);
  });

  test('a failing write inside the transaction rolls everything back', async () => {
    const target = freshStore();
    const doc = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    // The store refuses the second write of this id; the first must not stay behind.
    const put = target.put.bind(target);
    let calls = 0;
    target.put = (async (...args: Parameters<Store['put']>) => {
      if (++calls === 4) throw new Error('disk full');
      return put(...args);
    }) as Store['put'];
    await assert.rejects(importConfig(target, doc), /disk full/);
    target.put = put;
    assert.deepEqual(await versions(target), {});
  });

  test('replace deletes what the document does not hold', async () => {
    const target = freshStore();
    const doc = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    await importConfig(target, doc);
    await target.put('agency', { slug: 'extra', name: 'Extra', description: '' }, 0);
    const counts = await importConfig(target, doc, { replace: true });
    assert.equal(counts.agency.deleted, 1);
    assert.equal(await target.get('agency', 'extra'), undefined);
  });

  test('plain-text secrets need the master key, and are then encrypted; foreign ciphertext is refused', async () => {
    const doc = JSON.parse(JSON.stringify(await exportConfig(h.store)));
    const pg = doc.entities.connector.find((c: { slug: string }) => c.slug === 'pg');
    pg.password = 'typed-by-hand';
    const target = freshStore();
    await assert.rejects(importConfig(target, doc), (err: unknown) =>
      err instanceof ConfigImportError && err.issues[0].path.endsWith('.password'));
    assert.deepEqual(await versions(target), {});

    await importConfig(target, doc, { secrets: h.secrets });
    const stored = (await target.get('connector', 'a/pg'))!.body.password!;
    assert.ok(stored.startsWith('enc:v1:'));
    assert.equal(h.secrets.decrypt(stored), 'typed-by-hand');
    const again = await importConfig(target, doc, { secrets: h.secrets });
    assert.equal(again.connector.unchanged, doc.entities.connector.length, 'same plain secret: unchanged');

    const other = new Secrets(randomBytes(32));
    const exported = await exportConfig(h.store);
    await assert.rejects(importConfig(freshStore(), exported, { secrets: other }), /another master key/);
  });
});
