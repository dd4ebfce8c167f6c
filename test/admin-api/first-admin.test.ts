import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFirstAdmin, resetPassword } from '../../src/admin-api/first-admin.ts';
import { verifyPassword } from '../../src/security/password.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

const opened: { store: Store; dir: string }[] = [];
function freshStore(): Store {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-first-admin-'));
  const store = openSqliteStore(dir);
  opened.push({ store, dir });
  return store;
}

describe('first administrator and password reset', () => {
  after(() => {
    for (const { store, dir } of opened) {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no administrator: `admin` with a generated one-time password, returned once; then nothing', async () => {
    const store = freshStore();
    const first = await ensureFirstAdmin(store);
    assert.equal(first.created, true);
    assert.equal(first.username, 'admin');
    assert.match(first.password!, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    const user = (await store.get('user', 'admin'))!.body;
    assert.equal(user.role, 'administrator');
    assert.equal(user.mustChangePassword, true);
    assert.equal(await verifyPassword(first.password!, user.passwordHash), true);

    assert.deepEqual(await ensureFirstAdmin(store), { username: 'admin', created: false });

    const reset = await resetPassword(store, 'admin');
    assert.notEqual(reset, first.password);
    const after = (await store.get('user', 'admin'))!.body;
    assert.equal(after.mustChangePassword, true);
    assert.equal(await verifyPassword(reset, after.passwordHash), true);
    await assert.rejects(resetPassword(store, 'nobody'), /no user/);
  });

  test('a given password (MANTRA_ADMIN_PASSWORD) is used as is and not returned; a short one is refused', async () => {
    await assert.rejects(ensureFirstAdmin(freshStore(), { password: 'short' }), /at least 12/);
    const store = freshStore();
    const r = await ensureFirstAdmin(store, { password: 'operator chosen secret', username: 'root' });
    assert.deepEqual(r, { username: 'root', created: true });
    assert.equal((await store.get('user', 'root'))!.body.mustChangePassword, false);
  });
});
