/**
 * A whole MANTRA installation (a MANTRA-shaped database in the real MariaDB) imported into a fresh store: the
 * golden compatible-path answers come back byte for byte for the imported keys (data in the real PostgreSQL),
 * an `off` order's key gets 10002, a user logs in with the old password, re-runs and dry runs change nothing,
 * and every broken row is reported and skipped while the rest is imported.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { mysqlUrl, needService, pgUrl } from '../support/services.ts';
import { loadPendudukMysql, loadPendudukPg } from '../support/penduduk.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { hashPassword } from '../../src/security/password.ts';
import { createPool } from '../../connectors/pool.ts';
import { createApp } from '../../src/app.ts';
import { importMantra, type ImportResult } from '../../src/import-mantra/index.ts';
import { kindOrder, type PlanItem } from '../../src/import-mantra/plan.ts';
import type { Kind } from '../../src/model/index.ts';
import { createMantraDb, KEYS, PASSWORD, PG_HOST } from './mantra-db.ts';
import { golden, goldenCases, goldenRequest } from '../support/dukcapil.ts';

// The cases of test/gateway/compat-golden.test.ts, for the keys the import brought over.
const cases = goldenCases(KEYS);

const skip = (await needService('MariaDB', mysqlUrl)) ?? (await needService('PostgreSQL', pgUrl));

const secrets = new Secrets(Buffer.alloc(32, 9));
const item = (r: ImportResult, kind: Kind, id: string): PlanItem => {
  const found = r.plan.items.find((i) => i.kind === kind && i.id === id);
  assert.ok(found, `${kind} ${id} in the plan`);
  return found;
};
const itemFrom = (r: ImportResult, from: string): PlanItem => {
  const found = r.plan.items.find((i) => i.from === from);
  assert.ok(found, `${from} in the plan`);
  return found;
};

async function snapshot(store: Store) {
  const out: Record<string, number> = {};
  for (const kind of kindOrder) for (const s of await store.list(kind)) out[`${kind}:${s.id}`] = s.version;
  return out;
}

describe('import-mantra from a real MANTRA database', { skip }, () => {
  let db: Awaited<ReturnType<typeof createMantraDb>>;
  let dir: string;
  let store: Store;
  let first: ImportResult;
  let dry: ImportResult;
  const rewriteHost = [`${PG_HOST}=${new URL(pgUrl).hostname}`];

  before(async () => {
    await loadPendudukPg();
    await loadPendudukMysql();
    const pg = new URL(pgUrl);
    db = await createMantraDb({ port: Number(pg.port || 5432), user: decodeURIComponent(pg.username), password: decodeURIComponent(pg.password) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-import-'));
    store = openSqliteStore(dir);
    // As `mantra init` leaves it: an administrator named like MANTRA's own.
    await store.put('user', { username: 'admin', role: 'administrator', passwordHash: await hashPassword('pre-existing-admin'), fullName: 'Admin', active: true, mustChangePassword: false }, 0);
    dry = await importMantra({ from: db.url, store, secrets, rewriteHost, dryRun: true });
    first = await importMantra({ from: db.url, store, secrets, rewriteHost });
  });

  after(async () => {
    store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  test('the dry run wrote nothing and announced what the import then did', async () => {
    assert.deepEqual(dry.plan.items.map((i) => [i.key, i.action]), first.plan.items.map((i) => [i.key, i.action]));
    assert.ok(dry.counts.operation.create > 0);
  });

  test('counts per kind', () => {
    const c = first.counts;
    assert.deepEqual(c.agency, { create: 2, update: 0, unchanged: 0, kept: 0, skip: 1 });
    assert.deepEqual(c.service, { create: 2, update: 0, unchanged: 0, kept: 0, skip: 1 });
    assert.deepEqual(c.connector, { create: 4, update: 0, unchanged: 0, kept: 0, skip: 0 });
    assert.deepEqual(c.operation, { create: 10, update: 0, unchanged: 0, kept: 0, skip: 5 });
    assert.deepEqual(c.user, { create: 8, update: 0, unchanged: 0, kept: 0, skip: 2 });
    assert.deepEqual(c.consumer, { create: 4, update: 0, unchanged: 0, kept: 0, skip: 0 });
    assert.deepEqual(c.subscription, { create: 6, update: 0, unchanged: 0, kept: 0, skip: 3 });
    assert.match(first.plan.notes.join('\n'), /instance 0 \(system\) is MANTRA's own placeholder/);
  });

  test('broken rows are reported per item with a clear reason, and skipped', async () => {
    const reason = (from: string) => itemFrom(first, from).problems.join(' | ');
    assert.match(reason('instances#3'), /instance "Dinas Kesehatan" cannot be a Mantra name/);
    assert.match(reason('services#3'), /its instance #3 was not imported/);
    assert.match(reason('methods#4'), /sourcecode is not valid JSON/);
    assert.match(reason('methods#5'), /unknown dbtype "sqlite3"/);
    assert.match(reason('methods#6'), /duplicate name: methods#1 is also operation dukcapil\/kependudukan\/penduduk_by_nik/);
    assert.match(reason('methods#13'), /unknown wstype "grpc"/);
    assert.match(reason('methods#15'), /not http:\/\/ or https:\/\//);
    assert.match(reason('users#1'), /duplicate name: user admin already exists \(made in Mantra\)/);
    assert.match(reason('users#10'), /logname "nama salah" cannot be a Mantra username/);
    assert.match(reason('orders#5'), /its method #4 was not imported/);
    assert.match(reason('orders#6'), /its user "hantu" has no consumer/);
    assert.match(reason('orders#8'), /orders#1 has the same AccessKey \(tog8…\) for the same method/);
    const leftAlone = (i: PlanItem) => !i.primary || i.problems.some((p) => p.includes('already exists'));
    for (const i of first.plan.items.filter((x) => x.action === 'skip' && !leftAlone(x))) {
      assert.equal(await store.get(i.kind, i.id), undefined, `${i.key} not written`);
    }
    // The hand-made administrator is left exactly as it was.
    const admin = await store.get('user', 'admin');
    assert.equal(admin?.version, 1);
    assert.match(admin!.body.passwordHash, /^scrypt\$/);
  });

  test('agencies, services and users with their roles (bcrypt hashes kept, instance 0 users global)', async () => {
    const dukcapil = (await store.get('agency', 'dukcapil'))!.body;
    assert.equal(dukcapil.name, 'Dinas Kependudukan dan Pencatatan Sipil');
    assert.equal(dukcapil.website, 'http://disdukcapil.example.go.id');
    assert.match(item(first, 'agency', 'bappeda').warnings.join(), /email "bukan-email" is not an e-mail address/);
    assert.equal(await store.get('agency', 'system'), undefined);
    assert.equal((await store.get('service', 'dukcapil/kependudukan'))!.body.description, 'Data kependudukan');
    const roles = Object.fromEntries((await store.list('user')).map((u) => [u.id, [u.body.role, u.body.agency ?? '-', u.body.active]]));
    assert.deepEqual(roles, {
      admin: ['administrator', '-', true],
      pengawas: ['supervisor', '-', true],
      prov_dukcapil: ['provider', 'dukcapil', true],
      pub_dukcapil: ['publisher', 'dukcapil', true],
      koreografer: ['publisher', 'bappeda', true],
      komposer: ['publisher', 'bappeda', true],
      peminta: ['requester', 'bappeda', true],
      tamu: ['requester', 'bappeda', true],
      nonaktif: ['requester', 'bappeda', false],
    });
    assert.match((await store.get('user', 'peminta'))!.body.passwordHash, /^\$2y\$08\$/);
    assert.match(item(first, 'user', 'tamu').warnings.join(), /role visitor becomes requester/);
  });

  test('data operations in table form, one connector per distinct database, secrets encrypted, hosts rewritten', async () => {
    const conns = Object.fromEntries((await store.list('connector')).map((c) => [c.id, c.body]));
    assert.deepEqual(Object.keys(conns).sort(), ['dukcapil/kepegawaian', 'dukcapil/kependudukan', 'dukcapil/kependudukan-2', 'dukcapil/orcl']);
    const pg = conns['dukcapil/kependudukan'];
    assert.deepEqual([pg.kind, pg.host, pg.port, pg.database], ['postgres', new URL(pgUrl).hostname, Number(new URL(pgUrl).port || 5432), 'kependudukan']);
    assert.equal(conns['dukcapil/kependudukan-2'].kind, 'mysql');
    const ms = conns['dukcapil/kepegawaian'];
    assert.deepEqual([ms.kind, ms.host, ms.port, ms.user], ['mssql', 'sql.dukcapil.lan', 1433, 'sa']);
    assert.match(ms.password!, /^enc:v1:/);
    assert.equal(secrets.decrypt(ms.password!), 'rahasia-ms');
    const ora = conns['dukcapil/orcl'];
    assert.deepEqual([ora.kind, ora.host, ora.port, ora.database], ['oracle', 'ora.dukcapil.lan', 1521, 'ORCL']);
    assert.equal(secrets.decrypt(ora.password!), 'rahasia-ora');

    const byNik = (await store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik'))!.body;
    assert.deepEqual(byNik.params.map((p) => [p.name, p.type, p.required]), [['nik', 'string', true]]);
    assert.deepEqual(byNik.data, {
      form: 'table', connector: 'kependudukan', table: 'penduduk', action: 'select',
      columns: ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'],
      conditions: [{ column: 'nik', op: '=', param: 'nik', join: 'AND' }], order: [], keys: [],
      timeoutMs: 30_000, rowCap: 1_000_000, truncate: false, write: false,
    });
    const list = (await store.get('operation', 'dukcapil/kependudukan/penduduk_list'))!.body;
    assert.equal(list.data?.form === 'table' && list.data.limit, 100);
    assert.equal((await store.get('operation', 'dukcapil/kependudukan/penduduk_cari'))!.body.restricted, true);

    const mssql = (await store.get('operation', 'dukcapil/kependudukan/pegawai_mssql'))!.body;
    assert.ok(mssql.data?.form === 'table');
    assert.equal(mssql.data.table, 'dbo.pegawai');
    assert.deepEqual(mssql.data.order, [{ column: 'nama', dir: 'ASC' }]);
    assert.deepEqual(mssql.shape, { fields: [{ from: 'nip' }, { from: 'nama', as: 'nama_lengkap' }] });
    const oracle = (await store.get('operation', 'dukcapil/kependudukan/pegawai_oracle'))!.body;
    assert.ok(oracle.data?.form === 'table');
    assert.deepEqual([oracle.data.table, oracle.data.limit, oracle.data.offset], ['HR.PEGAWAI', 10, 20]);
    assert.deepEqual(oracle.data.conditions, [
      { column: 'NIP', op: '=', param: 'nip', join: 'AND' },
      { column: 'NAMA', op: 'LIKE', param: 'nama', join: 'OR' },
    ]);
  });

  test('proxy operations keep wstype, endpoint, method, the backend key (encrypted) and the request parameters', async () => {
    const cek = (await store.get('operation', 'bappeda/perencanaan/cek_nik'))!.body;
    assert.equal(cek.kind, 'proxy');
    assert.deepEqual([cek.proxy!.style, cek.proxy!.endpoint, cek.proxy!.method], ['rest', 'http://hub.example.go.id/json/dukcapil/kependudukan', 'penduduk_by_nik']);
    assert.equal(cek.proxy!.auth.type, 'mantra');
    const key = (cek.proxy!.auth as { accessKey: string }).accessKey;
    assert.match(key, /^enc:v1:/);
    assert.equal(secrets.decrypt(key), 'abcdefghij');
    assert.deepEqual(cek.params.map((p) => p.name), ['nik']);
    assert.deepEqual(cek.proxy!.mappings, [{ name: 'nik', in: 'query', param: 'nik' }]);

    assert.deepEqual(cek.prepared, { kind: 'http', version: 1 }, 'prepared at import, as the admin API does at save');

    const soap = (await store.get('operation', 'bappeda/perencanaan/data_soap'))!.body;
    // Its WSDL cannot be read from here: imported all the same, with a warning; calls answer the SOAP error.
    assert.equal(soap.prepared, undefined);
    assert.match(item(first, 'operation', 'bappeda/perencanaan/data_soap').warnings.join(), /backend not prepared \(.*WSDL/);
    assert.deepEqual([soap.proxy!.style, soap.proxy!.method, soap.proxy!.auth.type], ['soap', 'GetData#return', 'none']);
    assert.deepEqual(soap.params.map((p) => [p.name, p.description]), [['id', 'MANTRA type: int']]);
    assert.deepEqual(soap.proxy!.mappings, [{ name: 'id', in: 'query', param: 'id' }, { name: 'tahun', in: 'query', value: '2024' }]);

    const anggaran = (await store.get('operation', 'bappeda/perencanaan/anggaran'))!.body;
    assert.equal(anggaran.proxy!.endpoint, 'http://api.bappeda.lan/v1');
    assert.match(item(first, 'operation', 'bappeda/perencanaan/anggaran').warnings.join(), /has no scheme: read as http:\/\/api\.bappeda\.lan\/v1/);
  });

  test('a program method is imported disabled, its PHP source kept in the note, never run', async () => {
    const op = (await store.get('operation', 'dukcapil/kependudukan/hitung_program'))!.body;
    assert.equal(op.enabled, false);
    assert.match(op.note!, /"program" method.*eval\(\).*Mantra never runs such code/s);
    assert.ok(op.note!.includes("return array('jumlah' => 42);"));
  });

  test('consumers per requester, subscriptions keep each AccessKey as a hash, on → approved, off → revoked', async () => {
    const consumers = (await store.list('consumer')).map((c) => c.id).sort();
    assert.deepEqual(consumers, ['bappeda/nama-salah', 'bappeda/nonaktif', 'bappeda/peminta', 'bappeda/tamu']);
    const subs = Object.fromEntries((await store.list('subscription')).map((s) => [s.id, s.body]));
    assert.deepEqual(subs['mantra-order-1'], {
      id: 'mantra-order-1', consumer: 'bappeda/peminta', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik',
      status: 'approved', keyHash: secrets.hashKey(KEYS.byNik), keyHint: 'tog8', purpose: '', rateLimit: 0, quota: 0,
      ipAllowlist: [], hideFields: [], maskFields: [], legalBasis: '', history: [], monthlyQuota: 0, verify: false,
    });
    assert.equal(subs['mantra-order-4'].status, 'revoked');
    const raw = fs.readFileSync(path.join(dir, 'mantra.db')).toString('latin1');
    for (const key of Object.values(KEYS)) assert.ok(!raw.includes(key), `key ${key} is not stored in clear`);
    assert.ok(!raw.includes('rahasia-ms') && !raw.includes('abcdefghij'), 'secrets are not stored in clear');
  });

  describe('the imported store serves callers', () => {
    let app: ReturnType<typeof createApp>;
    let pool: ReturnType<typeof createPool>;
    before(() => {
      pool = createPool({ size: 1 });
      app = createApp({ store, secrets, pool, dataDir: dir });
    });
    after(async () => {
      await app.tracker.flush();
      await pool.close();
    });

    const call = (path: string, key: string | undefined, init: { method?: string; body?: string } = {}) =>
      app.app.request(...goldenRequest({ name: '', path, key, ...init }));

    for (const c of cases) {
      test(`golden bytes: ${c.name}`, async () => {
        const res = await app.app.request(...goldenRequest(c));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
        assert.equal(await res.text(), golden(c.name));
      });
    }

    test("an `off` order's key gets 10002, like a wrong key", async () => {
      for (const fmt of ['json', 'xml', 'api']) {
        const res = await call(`/${fmt}/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042`, KEYS.off);
        assert.equal(await res.text(), golden(`${fmt}_wrong_accesskey`), fmt);
      }
    });

    test('the key of a user whose name Mantra refused still works (callers never see users)', async () => {
      const res = await call('/json/dukcapil/kependudukan/penduduk_list', KEYS.badUser);
      assert.equal(await res.text(), golden('json_list_pg'));
    });

    test('the MySQL method answers with its fixed condition, order and limit', async () => {
      const res = await call('/json/dukcapil/kependudukan/penduduk_wilayah/kode_wilayah=3201007', KEYS.mysql);
      const body = JSON.parse(await res.text());
      assert.equal(body.response.status, 1);
      const conn = await mysql.createConnection({ uri: mysqlUrl.replace(/\/[^/]*$/, '/kependudukan') });
      const [rows] = await conn.query(
        "SELECT nik, nama, CAST(kode_wilayah AS CHAR) AS kode_wilayah FROM penduduk WHERE kode_wilayah = '3201007' AND jenis_kelamin = 'L' ORDER BY nik DESC LIMIT 3",
      );
      await conn.end();
      assert.equal((rows as unknown[]).length, 3);
      assert.deepEqual(Object.values(body.response.data.penduduk_wilayah), rows);
    });

    test('the program method is not run: it answers as disabled', async () => {
      const res = await call('/json/dukcapil/kependudukan/hitung_program', KEYS.byNik);
      const body = JSON.parse(await res.text());
      assert.equal(body.response.status, 0);
      assert.equal(body.response.code, 10002);
    });

    test('a user logs in with the old MANTRA password; the hash is then Mantra\'s own (scrypt)', async () => {
      const res = await app.app.request('/admin/api/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'peminta', password: PASSWORD }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await res.json()).user.role, 'requester');
      const wrong = await app.app.request('/admin/api/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'tamu', password: 'salah' }),
      });
      assert.equal(wrong.status, 401);
      assert.match((await store.get('user', 'peminta'))!.body.passwordHash, /^scrypt\$/);
    });
  });

  describe('re-runs', () => {
    test('a re-run changes nothing (the upgraded password hash included) and reports everything unchanged', async () => {
      const before = await snapshot(store);
      const again = await importMantra({ from: db.url, store, secrets, rewriteHost });
      assert.deepEqual(await snapshot(store), before);
      for (const kind of kindOrder) {
        assert.equal(again.counts[kind].create, 0, kind);
        assert.equal(again.counts[kind].update, 0, kind);
        assert.equal(again.counts[kind].skip, first.counts[kind].skip, kind);
      }
      assert.equal(again.counts.subscription.unchanged, 6);
      assert.match((await store.get('user', 'peminta'))!.body.passwordHash, /^scrypt\$/);
    });

    test('a dry run on an imported store writes nothing', async () => {
      const before = await snapshot(store);
      const ledger = fs.readFileSync(path.join(dir, 'import-mantra.json'), 'utf8');
      const r = await importMantra({ from: db.url, store, secrets, dryRun: true });
      // Without --rewrite-host the PostgreSQL connector would move back: announced, not done.
      assert.equal(item(r, 'connector', 'dukcapil/kependudukan').action, 'update');
      assert.deepEqual(await snapshot(store), before);
      assert.equal(fs.readFileSync(path.join(dir, 'import-mantra.json'), 'utf8'), ledger);
    });

    test('changes made in MANTRA meanwhile are brought over; what only Mantra has is kept', async () => {
      const sub = (await store.get('subscription', 'mantra-order-2'))!;
      await store.put('subscription', { ...sub.body, rateLimit: 60, purpose: 'Verifikasi' }, sub.version);
      const conn = await mysql.createConnection({ uri: db.url });
      await conn.query("UPDATE orders SET orderstatus = 'off' WHERE id = 2");
      await conn.query("UPDATE methods SET methodname = 'penduduk_baru' WHERE id = 13");
      await conn.query("UPDATE methods SET sourcecode = JSON_SET(sourcecode, '$.wstype', 'get') WHERE id = 13");
      await conn.end();
      try {
        const r = await importMantra({ from: db.url, store, secrets, rewriteHost });
        assert.equal(r.counts.subscription.update, 1);
        assert.equal(r.counts.operation.create, 1, 'the repaired method');
        const now = (await store.get('subscription', 'mantra-order-2'))!.body;
        assert.deepEqual([now.status, now.rateLimit, now.purpose], ['revoked', 60, 'Verifikasi']);
      } finally {
        const c = await mysql.createConnection({ uri: db.url });
        await c.query("UPDATE orders SET orderstatus = 'on' WHERE id = 2");
        await c.end();
      }
    });
  });
});
