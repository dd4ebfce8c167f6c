/**
 * Import decisions that need no MANTRA server: the tables are given as rows, the store is a real one in a temp dir.
 * Instance 0, names that already exist in Mantra, moved databases, long program sources, and password changes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { openSqliteStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { hashPassword } from '../../src/security/password.ts';
import { importMantra } from '../../src/import-mantra/index.ts';
import type { MantraTables } from '../../src/import-mantra/read.ts';

const secrets = new Secrets(Buffer.alloc(32, 3));
const hash = (pw: string) => bcrypt.hashSync(pw, 4).replace(/^\$2b\$/, '$2y$');

function tables(): MantraTables {
  const pg = (extra: Record<string, unknown> = {}) => JSON.stringify({
    dbtype: 'postgres', hostname: 'old-db', port: '5432', dbuser: 'app', dbpassword: 'pw', dbname: 'arsip',
    tbname: '"surat"', columns: '', conditions: `WHERE "nomor" = ''`, orders: '', limrows: '', limoffset: '', ...extra,
  });
  return {
    source: 'mysql://mantra.lan:3306/mantra',
    instances: [
      { id: '0', instance: 'system', organization: 'MANTRA', webportal: '', email: '', descript: '' },
      { id: '1', instance: 'arsip', organization: 'Arsip Daerah', webportal: '', email: '', descript: '' },
    ],
    services: [{ id: '1', instanceid: '1', servicename: 'surat', servicetype: 'provider', descript: '' }],
    methods: [
      { id: '1', serviceid: '1', methodname: 'surat_by_nomor', methodtype: 'database', restricted: 'off', sourcecode: pg(), descript: '' },
      { id: '2', serviceid: '1', methodname: 'hitung', methodtype: 'program', restricted: 'off', sourcecode: `<?php\n${'echo 1;\n'.repeat(700)}`, descript: '' },
    ],
    users: [
      { id: '1', instanceid: '0', fullname: 'Admin', email: '', logname: 'root', passkey: hash('lama-1'), role: 'administrator', activity: 'on' },
      { id: '2', instanceid: '0', fullname: 'Peminta Pusat', email: '', logname: 'pusat', passkey: hash('lama-2'), role: 'requester', activity: 'on' },
    ],
    orders: [{ id: '1', userlog: 'pusat', accesskey: 'pusatkey01', methodid: '1', orderstatus: 'on' }],
  };
}

describe('import decisions', () => {
  let dir: string;
  let store: Store;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-import-plan-'));
    store = openSqliteStore(dir);
  });
  after(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (t: MantraTables, rewriteHost: string[] = []) => importMantra({ from: t.source, tables: t, store, secrets, rewriteHost });

  test('instance 0 becomes agency "system" when its users need one; its administrators stay global', async () => {
    // An agency of the same name made in Mantra by hand is kept, and MANTRA's items go into it.
    await store.put('agency', { slug: 'arsip', name: 'Arsip (Mantra)', description: '' }, 0);
    const r = await run(tables());
    assert.equal(r.skipped, 0, JSON.stringify(r.plan.items.filter((i) => i.action === 'skip')));
    assert.ok(await store.get('agency', 'system'));
    assert.equal((await store.get('user', 'root'))!.body.agency, undefined);
    assert.equal((await store.get('user', 'pusat'))!.body.agency, 'system');
    assert.equal((await store.get('subscription', 'mantra-order-1'))!.body.consumer, 'system/pusat');
    const arsip = r.plan.items.find((i) => i.key === 'agency:arsip')!;
    assert.equal(arsip.action, 'kept');
    assert.match(arsip.warnings.join(), /already exists \(made in Mantra\): kept as it is/);
    assert.equal((await store.get('agency', 'arsip'))!.body.name, 'Arsip (Mantra)');
    assert.ok(await store.get('service', 'arsip/surat'));
  });

  test('a program source too long for the note is kept in a file of the data directory', async () => {
    const op = (await store.get('operation', 'arsip/surat/hitung'))!.body;
    assert.equal(op.enabled, false);
    assert.match(op.note!, /import-mantra\/programs\/arsip\/surat\/hitung\.php/);
    assert.equal(fs.readFileSync(path.join(dir, 'import-mantra/programs/arsip/surat/hitung.php'), 'utf8'), tables().methods[1].sourcecode);
  });

  test('a database that moved keeps its connector (--rewrite-host on a later run updates it)', async () => {
    const r = await run(tables(), ['old-db=new-db:6432']);
    const conn = r.plan.items.find((i) => i.kind === 'connector')!;
    assert.deepEqual([conn.id, conn.action], ['arsip/arsip', 'update']);
    assert.deepEqual([(await store.get('connector', 'arsip/arsip'))!.body.host, (await store.get('connector', 'arsip/arsip'))!.body.port], ['new-db', 6432]);
    assert.equal((await store.list('connector')).length, 1);
  });

  test('passwords: one changed in MANTRA meanwhile is taken, one already upgraded in Mantra is kept', async () => {
    const root = (await store.get('user', 'root'))!;
    const upgraded = await hashPassword('baru-di-mantra');
    await store.put('user', { ...root.body, passwordHash: upgraded }, root.version);
    const t = tables();
    t.users[0].passkey = hash('lain');
    t.users[1].passkey = hash('ganti-di-mantra-lama');
    const r = await run(t, ['old-db=new-db:6432']);
    assert.equal(r.plan.items.find((i) => i.key === 'user:root')!.action, 'unchanged');
    assert.equal((await store.get('user', 'root'))!.body.passwordHash, upgraded);
    assert.equal(r.plan.items.find((i) => i.key === 'user:pusat')!.action, 'update');
    assert.equal((await store.get('user', 'pusat'))!.body.passwordHash, t.users[1].passkey);
  });

  test('names imported from another MANTRA are left alone', async () => {
    const other = { ...tables(), source: 'mysql://elsewhere:3306/mantra' };
    const r = await importMantra({ from: other.source, tables: other, store, secrets, dryRun: true });
    const op = r.plan.items.find((i) => i.key === 'operation:arsip/surat/surat_by_nomor')!;
    assert.equal(op.action, 'skip');
    assert.match(op.problems.join(), /already exists \(imported from mysql:\/\/mantra\.lan:3306\/mantra\)/);
  });
});
