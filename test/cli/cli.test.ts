import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, serveCli } from '../support/cli.ts';
import pkg from '../../package.json' with { type: 'json' };

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-cli-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('mantra CLI', () => {
  test('--version and --help', () => {
    assert.equal(cli(['--version']).stdout.trim(), pkg.version);
    const help = cli(['--help']).stdout;
    for (const word of ['serve', 'init', 'config export', 'config import', 'Contoh']) assert.ok(help.includes(word), word);
    assert.match(cli(['--help'], { env: { MANTRA_LANG: 'en' } }).stdout, /Examples/);
  });

  test('unknown command: clear error, non-zero exit', () => {
    const r = cli(['frobnicate']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /perintah "frobnicate" tidak dikenal/);
  });

  test('init prints a one-time password once; no default password', () => {
    const dir = tempDir();
    const first = cli(['init', '--data', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Kata sandi sekali pakai: \S{19}/);
    const second = cli(['init', '--data', dir]);
    assert.match(second.stdout, /sudah ada/);
  });

  test('config export | config import round-trips unchanged', () => {
    const a = tempDir(), b = tempDir();
    const key = Buffer.alloc(32, 3).toString('base64');
    const env = { MANTRA_MASTER_KEY: key, MANTRA_ADMIN_PASSWORD: 'a-long-password-123' };
    assert.equal(cli(['init', '--data', a], { env }).code, 0);
    const exported = cli(['config', 'export', '--data', a], { env });
    assert.equal(exported.code, 0, exported.stderr);
    const imported = cli(['config', 'import', '-', '--data', b], { input: exported.stdout, env });
    assert.equal(imported.code, 0, imported.stderr);
    const again = cli(['config', 'export', '--data', b], { env });
    const strip = (text: string) => { const d = JSON.parse(text); delete d.exportedAt; return d; };
    assert.deepEqual(strip(again.stdout), strip(exported.stdout));
    const bad = cli(['config', 'import', '-', '--data', b], { input: '{"mantra":"config","version":1,"entities":{"agency":[{"slug":"BAD"}]}}', env });
    assert.notEqual(bad.code, 0);
  });

  test('a corrupt store is a clear startup error with a non-zero exit', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mantra.db'), 'garbage'.repeat(1000));
    const r = cli(['serve', '--data', dir, '--port', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tidak dapat dibuka sebagai penyimpanan Mantra|bukan penyimpanan Mantra/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('serve answers /healthz and /readyz, and stops on SIGTERM', async () => {
    const server = serveCli(['--data', tempDir(), '--port', '0', '--workers', '1'], { MANTRA_ADMIN_PASSWORD: 'a-long-password-123' });
    try {
      const base = await server.ready;
      assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      const login = await fetch(`${base}/admin/api/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'a-long-password-123' }),
      });
      assert.equal(login.status, 200);
      assert.ok((await login.json()).token);
    } finally {
      await server.kill();
    }
  });

  test('serve --tls-cert/--tls-key answers HTTPS', async () => {
    const dir = tempDir();
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const server = serveCli(['--data', `${dir}/data`, '--port', '0', '--tls-cert', `${dir}/cert.pem`, '--tls-key', `${dir}/key.pem`],
      { MANTRA_ADMIN_PASSWORD: 'a-long-password-123' });
    try {
      const base = await server.ready;
      assert.match(base, /^https:/);
      const r = spawnSync('curl', ['-s', '--cacert', `${dir}/cert.pem`, `${base}/healthz`], { encoding: 'utf8' });
      assert.equal(r.stdout, '{"status":"ok"}');
    } finally {
      await server.kill();
    }
  });
});
