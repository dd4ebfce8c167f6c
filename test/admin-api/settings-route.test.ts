import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exportConfig } from '../../src/admin-api/index.ts';
import { type Harness, harness, rawEntities } from './support.ts';

const SECRET = 'smtp-password-at-rest';

describe('admin api: the settings route', () => {
  let h: Harness;
  let admin: string, supervisor: string, provider: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    supervisor = await h.user('sri', 'supervisor');
    provider = await h.user('ani', 'provider', { agency: 'a' });
  });
  after(() => h.close());

  const read = async (token = admin) => {
    const { updatedAt: _, ...fields } = (await h.call('GET', '/settings', { token })).body;
    return fields;
  };

  test('before anything is saved: the defaults at version 0; supervisors read, others are refused', async () => {
    const r = await h.call('GET', '/settings', { token: supervisor });
    assert.equal(r.status, 200);
    assert.equal(r.body.version, 0);
    assert.equal(r.body.totpRequiredForAdmins, false);
    assert.deepEqual(r.body.mailTemplates, {});
    assert.equal((await h.call('GET', '/settings', { token: provider })).status, 403);
    assert.equal((await h.call('PUT', '/settings', { token: supervisor, json: await read() })).status, 403);
    assert.equal((await h.call('GET', '/settings')).status, 401);
  });

  test('an administrator saves them with the version read; the SMTP password is sealed, never shown, kept when left out', async () => {
    const smtp = { host: 'mail.example.go.id', port: 465, tls: 'implicit', user: 'mantra', password: SECRET, from: 'mantra@example.go.id' };
    const saved = await h.call('PUT', '/settings', { token: admin, json: { ...(await read()), smtp, strictCompat: true } });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.version, 1);
    assert.deepEqual(saved.body.smtp, { host: 'mail.example.go.id', port: 465, tls: 'implicit', user: 'mantra', from: 'mantra@example.go.id', passwordSet: true });
    const stored = (await h.store.get('settings', 'settings'))!.body;
    assert.match(stored.smtp!.password!, /^enc:v1:/);
    assert.equal(h.secrets.decrypt(stored.smtp!.password!), SECRET);
    assert.equal(rawEntities(h.dir).includes(SECRET), false);
    assert.equal(JSON.stringify(await exportConfig(h.store)).includes(SECRET), false, 'an export keeps it encrypted');

    const again = await read();
    assert.equal(again.smtp.passwordSet, true);
    const kept = await h.call('PUT', '/settings', { token: admin, json: { ...again, smtp: { ...again.smtp, host: 'relay.example.go.id' } } });
    assert.equal(kept.status, 200, kept.text);
    assert.equal((await h.store.get('settings', 'settings'))!.body.smtp!.password, stored.smtp!.password, 'the same ciphertext');
    const stale = await h.call('PUT', '/settings', { token: admin, json: { ...again } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.currentVersion, 2);
  });

  test('templates per event and language; bad entries are 400 with their paths; a file root in the data directory is refused', async () => {
    const current = await read();
    const mailTemplates = { approved: { en: { subject: 'OK: {operation}', text: 'Hello {name}' } } };
    const ok = await h.call('PUT', '/settings', { token: admin, json: { ...current, mailTemplates } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.mailTemplates, mailTemplates);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ mailTemplates: { approved: { fr: { subject: 'x', text: 'y' } } } }, ['mailTemplates.approved.fr']],
      [{ mailTemplates: { opened: { id: { subject: 'x', text: 'y' } } } }, ['mailTemplates.opened']],
      [{ smtp: { host: 'x', from: 'not an address' } }, ['smtp.from']],
      [{ fileRoots: [path.join(h.dir, 'inside')] }, ['fileRoots.0']],
      [{ surprise: true }, ['surprise']],
    ];
    for (const [change, paths] of cases) {
      const r = await h.call('PUT', '/settings', { token: admin, json: { ...(await read()), ...change } });
      assert.equal(r.status, 400, JSON.stringify(change));
      assert.deepEqual(r.body.issues.map((i: { path: string }) => i.path), paths, JSON.stringify(change));
    }
  });
});
