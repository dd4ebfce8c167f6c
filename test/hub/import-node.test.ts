/**
 * Joining a node to the hub through the hub's admin API, with two running instances on loopback: the hub reads
 * the node's public catalogue over HTTP, makes its proxy operations, and a caller of the hub gets the node's
 * answer with the hub's key; the node changes (an operation added, a parameter changed, one removed), a re-import
 * reports it and deletes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawEntities } from '../admin-api/support.ts';
import { byNik, type Instance, instance, NIK, nodeKey, setupHub, setupNode } from './support.ts';

const HUB_KEY = 'pemanggilhub0001';
const statuses = (report: { operations: { service: string; operation: string; status: string; changed?: string[] }[] }) =>
  Object.fromEntries(report.operations.map((o) => [`${o.service}/${o.operation}`, o.changed ? `${o.status} ${o.changed.join(',')}` : o.status]));

describe('hub: import a node', () => {
  let node: Instance, hub: Instance;
  let subscriptionKey = '';
  before(async () => {
    node = await instance();
    hub = await instance();
    await setupNode(node);
    await setupHub(hub);
    subscriptionKey = await nodeKey(node, 'penduduk_by_nik');
    await nodeKey(node, 'wilayah_by_kode');
  });
  after(async () => {
    await hub?.stop();
    await node?.stop();
  });

  const importNode = (json: Record<string, unknown>, opts: { token?: string; lang?: string } = {}) =>
    hub.admin('POST', '/hub/import-node', { ...opts, json: { url: node.base, agency: 'dukcapil', ...json } });

  test('a dry run reports what would be made and saves nothing', async () => {
    const r = await importNode({ key: subscriptionKey, dryRun: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(statuses(r.body), { 'kependudukan/penduduk_by_nik': 'created', 'kependudukan/wilayah_by_kode': 'created' });
    assert.equal(r.body.dryRun, true);
    assert.deepEqual(r.body.servicesCreated, ['kependudukan']);
    assert.equal(await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik'), undefined);
    assert.equal(await hub.store.get('service', 'dukcapil/kependudukan'), undefined);
  });

  test('the first import makes a proxy operation per node operation, with the node\'s names and parameters', async () => {
    const r = await importNode({ key: subscriptionKey });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(statuses(r.body), { 'kependudukan/penduduk_by_nik': 'created', 'kependudukan/wilayah_by_kode': 'created' });
    assert.deepEqual(r.body.counts, { created: 2, updated: 0, unchanged: 0, gone: 0, conflict: 0 });
    assert.equal(r.body.node, node.base);
    assert.equal(r.body.document, `${node.base}/catalogue/openapi.json`);
    assert.doesNotMatch(JSON.stringify(r.body), new RegExp(subscriptionKey));

    const op = (await hub.admin('GET', '/operations/dukcapil/kependudukan/penduduk_by_nik')).body;
    assert.equal(op.kind, 'proxy');
    assert.equal(op.description, 'Penduduk menurut NIK');
    assert.deepEqual(op.params.map((p: { name: string; pattern?: string; required: boolean; description: string }) => [p.name, p.pattern, p.required, p.description]),
      [['nik', '\\d{16}', true, 'Nomor induk kependudukan']]);
    assert.equal(op.proxy.style, 'rest');
    assert.equal(op.proxy.endpoint, `${node.base}/json/dukcapil/kependudukan`);
    assert.equal(op.proxy.method, 'penduduk_by_nik');
    assert.deepEqual(op.proxy.auth, { type: 'mantra', accessKeySet: true }, 'the key is never shown');
    assert.ok(!rawEntities(hub.dataDir).includes(subscriptionKey), 'the key is stored encrypted only');
  });

  test('a caller of the hub gets the node\'s answer with the hub\'s key, envelope and tracks', async () => {
    await hub.subscribe(HUB_KEY, 'dukcapil', 'kependudukan', 'penduduk_by_nik');
    const direct = await fetch(`${node.base}/json/dukcapil/kependudukan/penduduk_by_nik/nik=${NIK}`, { headers: { AccessKey: subscriptionKey } });
    const viaHub = await fetch(`${hub.base}/json/dukcapil/kependudukan/penduduk_by_nik/nik=${NIK}`, { headers: { AccessKey: HUB_KEY } });
    const body = await viaHub.text();
    assert.equal(body, await direct.text(), 'the node\'s bytes, through the hub');
    assert.equal(JSON.parse(body).response.data.penduduk_by_nik['0'].nama, 'Penduduk 42');
    const v1 = await fetch(`${hub.base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(v1.status, 200);
    assert.deepEqual((await v1.json()).data, { penduduk_by_nik: [{ nik: NIK, nama: 'Penduduk 42', kode_wilayah: '3201' }] });
    // The hub's own checks hold: its parameter rules (from the node's catalogue) and its keys.
    const bad = await fetch(`${hub.base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=42`, { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(bad.status, 400);
    const nodeKeyAtHub = await fetch(`${hub.base}/v1/dukcapil/kependudukan/penduduk_by_nik?nik=${NIK}`, { headers: { 'X-API-Key': subscriptionKey } });
    assert.equal(nodeKeyAtHub.status, 403, 'the node\'s key is not a hub key');
    await hub.tracker.flush();
    const tracks = await hub.store.tracks({ limit: 1000 });
    assert.ok(tracks.some((t) => t.operation === 'penduduk_by_nik' && t.interface === 'compat' && t.status === 200), 'tracked at the hub');
    await node.tracker.flush();
    const nodeTracks = await node.store.tracks({ limit: 1000 });
    assert.ok(nodeTracks.some((t) => t.operation === 'penduduk_by_nik' && t.consumer === 'gsb/hub'), 'tracked at the node as the hub\'s call');
  });

  test('importing again with nothing changed changes nothing', async () => {
    const before = await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik');
    const r = await importNode({ key: subscriptionKey });
    assert.deepEqual(statuses(r.body), { 'kependudukan/penduduk_by_nik': 'unchanged', 'kependudukan/wilayah_by_kode': 'unchanged' });
    const again = await importNode({});
    assert.deepEqual(again.body.counts, { created: 0, updated: 0, unchanged: 2, gone: 0, conflict: 0 }, 'without a key the stored one stays');
    assert.equal((await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik'))!.version, before!.version);
  });

  test('the node changes: added, changed, removed; the re-import reports each and deletes nothing', async () => {
    // What the hub's administrator set on an imported operation stays across re-imports.
    const stored = (await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik'))!;
    await hub.store.put('operation', { ...stored.body, proxy: { ...stored.body.proxy!, cacheTtlSeconds: 30 } }, stored.version);

    await node.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_cari', kind: 'data', description: 'Cari penduduk menurut nama',
      params: [{ name: 'nama', maxLength: 100 }, { name: 'batas', type: 'integer', min: 1, max: 50, default: 10 }],
      data: { form: 'sql', connector: 'db', sql: 'select nik, nama from penduduk where nama = :nama limit :batas' },
    });
    await node.put('operation', byNik([{ name: 'tanggal', type: 'date', required: false, description: 'Per tanggal' }]));
    await node.store.remove('operation', 'dukcapil/kependudukan/wilayah_by_kode');
    // One key for every operation of the hub at the node: an application key.
    await nodeKey(node, 'penduduk_cari');
    const appKey = (await node.admin('POST', '/consumers/gsb/hub/app-key')).body.key as string;
    assert.ok(appKey);

    const r = await importNode({ key: appKey });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(statuses(r.body), {
      'kependudukan/penduduk_by_nik': 'updated params,key',
      'kependudukan/penduduk_cari': 'created',
      'kependudukan/wilayah_by_kode': 'gone',
    });
    assert.deepEqual(r.body.counts, { created: 1, updated: 1, unchanged: 0, gone: 1, conflict: 0 });

    const byNikAtHub = (await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_by_nik'))!.body;
    assert.deepEqual(byNikAtHub.params.map((p) => [p.name, p.type, p.required]), [['nik', 'string', true], ['tanggal', 'date', false]]);
    assert.equal(byNikAtHub.proxy!.cacheTtlSeconds, 30, 'the hub\'s own setting is kept');
    const cari = (await hub.store.get('operation', 'dukcapil/kependudukan/penduduk_cari'))!.body;
    assert.deepEqual(cari.params.map((p) => [p.name, p.type, p.required, p.default, p.min, p.max, p.maxLength]),
      [['nama', 'string', true, undefined, undefined, undefined, 100], ['batas', 'integer', false, 10, 1, 50, 1024]]);
    assert.ok(await hub.store.get('operation', 'dukcapil/kependudukan/wilayah_by_kode'), 'gone from the node, not deleted at the hub');
    assert.ok(!rawEntities(hub.dataDir).includes(appKey));

    // The new operation answers through the hub with the new key.
    await hub.subscribe(HUB_KEY, 'dukcapil', 'kependudukan', 'penduduk_cari');
    const cariRes = await fetch(`${hub.base}/v1/dukcapil/kependudukan/penduduk_cari?nama=${encodeURIComponent('Penduduk 43')}`, { headers: { 'X-API-Key': HUB_KEY } });
    assert.equal(cariRes.status, 200);
    assert.deepEqual((await cariRes.json()).data, { penduduk_cari: [{ nik: '3201000000000043', nama: 'Penduduk 43' }] });
    // The one the node removed answers what the node says (not registered), through the hub's envelope.
    await hub.subscribe(HUB_KEY, 'dukcapil', 'kependudukan', 'wilayah_by_kode');
    const goneRes = JSON.parse(await (await fetch(`${hub.base}/json/dukcapil/kependudukan/wilayah_by_kode/kode=3201`, { headers: { AccessKey: HUB_KEY } })).text());
    assert.deepEqual([goneRes.response.status, goneRes.response.code], [0, 10002]);

    const again = await importNode({});
    assert.deepEqual(statuses(again.body), {
      'kependudukan/penduduk_by_nik': 'unchanged', 'kependudukan/penduduk_cari': 'unchanged', 'kependudukan/wilayah_by_kode': 'gone',
    });
  });

  test('a hub operation of the same name that is not the node\'s is left alone (conflict)', async () => {
    await hub.put('service', { agency: 'dukcapil', slug: 'lain' });
    await node.put('service', { agency: 'dukcapil', slug: 'lain' });
    const own = { agency: 'dukcapil', service: 'lain', slug: 'status', kind: 'proxy', proxy: { style: 'get', endpoint: 'http://127.0.0.1:9/status' } };
    await hub.put('operation', own);
    await node.put('operation', {
      agency: 'dukcapil', service: 'lain', slug: 'status', kind: 'data', data: { form: 'sql', connector: 'db', sql: "select 'ok' as status" },
    });
    const r = await importNode({});
    assert.equal(statuses(r.body)['lain/status'], 'conflict');
    assert.equal((await hub.store.get('operation', 'dukcapil/lain/status'))!.body.proxy!.endpoint, 'http://127.0.0.1:9/status');
    await node.store.remove('operation', 'dukcapil/lain/status');
  });

  test('roles: administrators and the agency\'s publishers; not its providers, requesters, other agencies\' publishers or supervisors', async () => {
    const as = async (username: string, role: 'publisher' | 'provider' | 'requester' | 'supervisor', agency?: string, target = 'dukcapil') =>
      (await importNode({ agency: target, dryRun: true }, { token: await hub.user(username, role, agency) })).status;
    assert.equal(await as('pub', 'publisher', 'dukcapil'), 200);
    assert.equal(await as('pubbps', 'publisher', 'bps'), 403);
    assert.equal(await as('prov', 'provider', 'dukcapil'), 403);
    assert.equal(await as('req', 'requester', 'dukcapil'), 403);
    assert.equal(await as('sup', 'supervisor'), 403);
    await hub.tracker.flush();
    const tracks = await hub.store.tracks({ limit: 1000 });
    assert.ok(tracks.some((t) => t.interface === 'admin' && t.operation === 'POST /hub/import-node' && t.status === 403), 'refusals are tracked');
  });

  test('bad requests: not http(s), credentials in the URL, an unknown agency, no key for new operations', async () => {
    const ftp = await importNode({ url: 'ftp://127.0.0.1/x' });
    assert.deepEqual([ftp.status, ftp.body.error], [400, 'hub_url']);
    assert.match(ftp.body.message, /harus URL http/);
    const creds = await importNode({ url: `http://user:pass@127.0.0.1:${node.server.port}` }, { lang: 'en' });
    assert.deepEqual([creds.status, creds.body.message.startsWith('The node address must be an http')], [400, true]);
    const agency = await importNode({ agency: 'tidakada' });
    assert.deepEqual([agency.status, agency.body.error], [404, 'hub_agency_missing']);
    const keyless = await hub.admin('POST', '/hub/import-node', { json: { url: node.base, agency: 'bps' } });
    assert.deepEqual([keyless.status, keyless.body.error], [400, 'hub_key_required']);
    const spaced = await hub.admin('POST', '/hub/import-node', { json: { url: node.base, agency: 'bps', key: 'a b' } });
    assert.deepEqual([spaced.status, spaced.body.error], [400, 'hub_key_invalid']);
    assert.equal((await hub.store.list('operation')).filter((o) => o.body.agency === 'bps').length, 0);
  });

  test('an address that answers JSON but no catalogue: "not a Mantra catalogue", nothing of its structure comes back', async () => {
    // An internal service an administrator allowed might answer its health or configuration; the import names none of it.
    const { serveDocument } = await import('./document-server.ts');
    const other = await serveDocument(() => Response.json({ status: 'UP', components: { db: { status: 'UP', details: { database: 'PostgreSQL' } } } }));
    try {
      const r = await hub.admin('POST', '/hub/import-node', { json: { url: other.url, agency: 'dukcapil', key: subscriptionKey, dryRun: true } });
      assert.deepEqual([r.status, r.body.error, r.body.issues], [502, 'hub_node_not_catalogue', undefined]);
      assert.match(r.body.message, /^Alamat ini tidak mengirim katalog Mantra/);
      assert.doesNotMatch(JSON.stringify(r.body), /components|database|PostgreSQL|UP/);
    } finally {
      await other.stop();
    }
  });

  test('a node on a loopback address needs the internalBackends setting, and the error says so', async () => {
    const settings = (await hub.store.get('settings', 'settings'))!;
    await hub.store.put('settings', { ...settings.body, internalBackends: [] }, settings.version);
    try {
      const id = await importNode({ dryRun: true });
      assert.deepEqual([id.status, id.body.error], [403, 'hub_node_internal']);
      assert.match(id.body.message, /internalBackends/);
      assert.match(id.body.message, /alamat internal \(loopback\)/);
      const en = await importNode({ dryRun: true }, { lang: 'en' });
      assert.match(en.body.message, new RegExp(`^Node 127\\.0\\.0\\.1:${node.server.port} is at an internal address \\(loopback\\).*internalBackends`));
    } finally {
      const now = (await hub.store.get('settings', 'settings'))!;
      await hub.store.put('settings', { ...now.body, internalBackends: ['127.0.0.1'] }, now.version);
    }
  });
});
