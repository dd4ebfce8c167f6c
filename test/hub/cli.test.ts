/**
 * `mantra hub import-node` on a hub's data directory, against a running node; then the hub is started with
 * `mantra serve` on that directory and a caller gets the node's answer through it. Beside the running hub, a dry
 * run works and a real import is refused by the data directory's lock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMasterKey } from '../../src/security/master-key.ts';
import { Secrets } from '../../src/security/secrets.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { Agency } from '../../src/model/agency.ts';
import { Settings } from '../../src/model/settings.ts';
import { Subscription } from '../../src/model/subscription.ts';
import { runtimeArgs, serveCli } from '../support/cli.ts';
import { rawEntities } from '../admin-api/support.ts';
import { type Instance, instance, NIK, nodeKey, setupNode } from './support.ts';

const main = new URL('../../src/main.ts', import.meta.url).pathname;
const HUB_KEY = 'pemanggilhubcli1';

/** The CLI as a child process, without blocking this process (the node answers from it). */
function mantra(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...runtimeArgs, main, ...args], { env: { ...process.env, MANTRA_LANG: 'id', ...env } });
    if (input !== undefined) child.stdin.end(input);
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('hub: mantra hub import-node', () => {
  let node: Instance;
  let dir = '';
  let appKey = '';
  before(async () => {
    node = await instance();
    await setupNode(node);
    await nodeKey(node, 'penduduk_by_nik');
    await nodeKey(node, 'wilayah_by_kode');
    appKey = (await node.admin('POST', '/consumers/gsb/hub/app-key')).body.key;
    // The hub's data directory, set up as an administrator would, the server stopped.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-hub-cli-'));
    const store = openSqliteStore(dir);
    const secrets = new Secrets(loadMasterKey(dir));
    await store.put('settings', Settings.parse({ internalBackends: ['127.0.0.1'] }), 0);
    await store.put('agency', Agency.parse({ slug: 'dukcapil', name: 'Dukcapil' }), 0);
    await store.put('subscription', Subscription.parse({
      id: 'pemanggil', consumer: 'dukcapil/app', agency: 'dukcapil', service: 'kependudukan', operation: 'penduduk_by_nik',
      status: 'approved', keyHash: secrets.hashKey(HUB_KEY),
    }), 0);
    store.close();
  });
  after(async () => {
    await node?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a dry run lists what it would make and writes nothing', async () => {
    const r = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir, '--dry-run'], { MANTRA_HUB_NODE_KEY: appKey });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dukcapil\/kependudukan\/penduduk_by_nik: dibuat/);
    assert.match(r.stdout, /dukcapil\/kependudukan\/wilayah_by_kode: dibuat/);
    assert.match(r.stdout, /2 dibuat, 0 diubah, 0 tetap, 0 tidak ada lagi di node, 0 bentrok \(uji coba: tidak ada yang disimpan\)/);
    assert.doesNotMatch(rawEntities(dir), /wilayah_by_kode/);
  });

  test('the import, the key from the environment; again with --key changes nothing (English)', async () => {
    const r = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir], { MANTRA_HUB_NODE_KEY: appKey, MANTRA_LANG: 'en' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dukcapil\/kependudukan\/penduduk_by_nik: created/);
    assert.match(r.stdout, /services created: kependudukan/);
    assert.match(r.stdout, /2 created, 0 updated, 0 unchanged, 0 no longer on the node, 0 in conflict$/m);
    assert.ok(!rawEntities(dir).includes(appKey), 'the key is stored encrypted only');
    assert.equal(r.stderr, '', 'no warning for a key from the environment');
    // --key - reads the key from stdin (one line): nothing of it in argv, no warning.
    const piped = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir, '--key', '-'], {}, `${appKey}\n`);
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /0 dibuat, 0 diubah, 2 tetap/);
    assert.equal(piped.stderr, '');
    const empty = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir, '--key', '-'], { MANTRA_LANG: 'en' }, '');
    assert.deepEqual([empty.code, empty.stderr], [1, 'mantra: --key -: stdin holds no key\n']);
  });

  test('a key written on the command line still works, with a warning that ps and the shell history show it', async () => {
    const en = await mantra(['hub', 'import-node', `${node.base}/catalogue/openapi.json`, '--agency', 'dukcapil', '--data', dir, '--key', appKey], { MANTRA_LANG: 'en' });
    assert.equal(en.code, 0, en.stderr);
    assert.match(en.stdout, /0 created, 0 updated, 2 unchanged/);
    assert.equal(en.stderr, 'mantra: warning: a key written on the command line shows in ps and the shell history; give it in MANTRA_HUB_NODE_KEY or as --key - (read from stdin)\n');
    const id = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir, '--key', appKey, '--dry-run']);
    assert.equal(id.code, 0, id.stderr);
    assert.match(id.stderr, /^mantra: peringatan: kunci yang ditulis di baris perintah terlihat di ps dan riwayat shell; berikan lewat MANTRA_HUB_NODE_KEY atau --key - \(dibaca dari stdin\)$/m);
    assert.doesNotMatch(id.stderr, new RegExp(appKey), 'the warning does not repeat the key');
  });

  test('errors are clear and exit 1: an unknown agency, a missing catalogue, no URL', async () => {
    const agency = await mantra(['hub', 'import-node', node.base, '--agency', 'tidakada', '--data', dir]);
    assert.equal(agency.code, 1);
    assert.equal(agency.stderr.trim(), 'mantra: Instansi "tidakada" tidak ada di hub ini; buat instansinya dahulu');
    const missing = await mantra(['hub', 'import-node', `${node.base}/tidak/ada`, '--agency', 'dukcapil', '--data', dir], { MANTRA_LANG: 'en' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /The node answered HTTP 404 for .*\/tidak\/ada\/catalogue\/openapi\.json/);
    const usage = await mantra(['hub', 'import-node', '--agency', 'dukcapil', '--data', dir]);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /gunakan "hub import-node URL --agency SLUG/);
  });

  test('the hub serves the imported operations; beside it a dry run works and an import is refused', async () => {
    const hub = serveCli(['--data', dir, '--port', '0'], { MANTRA_ADMIN_PASSWORD: 'kata sandi yang cukup panjang' });
    try {
      const base = await hub.ready;
      const direct = await fetch(`${node.base}/json/dukcapil/kependudukan/penduduk_by_nik/nik=${NIK}`, { headers: { AccessKey: appKey } });
      const viaHub = await fetch(`${base}/json/dukcapil/kependudukan/penduduk_by_nik/nik=${NIK}`, { headers: { AccessKey: HUB_KEY } });
      const text = await viaHub.text();
      assert.equal(text, await direct.text());
      assert.match(text, /Penduduk 42/);

      const dry = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir, '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /0 dibuat, 0 diubah, 2 tetap/);
      const locked = await mantra(['hub', 'import-node', node.base, '--agency', 'dukcapil', '--data', dir]);
      assert.equal(locked.code, 1);
      assert.match(locked.stderr, /^mantra: direktori data .* sedang dipakai proses Mantra lain \(pid \d+\)/);
      assert.doesNotMatch(locked.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await hub.kill();
    }
  });
});
