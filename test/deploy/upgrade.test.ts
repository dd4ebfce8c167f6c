/**
 * Upgrade in place, through the real CLI: a store of the first schema is migrated when `mantra serve` first starts
 * on it (its data kept, its trail still verifying), and a store written by a newer Mantra is refused at start with
 * a clear message in both languages and a non-zero exit, untouched.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { cli, serveCli } from '../support/cli.ts';
import { migrations } from '../../src/store/migrations.ts';

const APPLICATION_ID = 0x4d4e5452;
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-upgrade-'));
  dirs.push(d);
  return d;
};
const env = { MANTRA_ADMIN_PASSWORD: 'upgrade-test-password-1', MANTRA_LOG_LEVEL: 'error' };
const schemaOf = (dir: string) => {
  const db = new DatabaseSync(path.join(dir, 'mantra.db'), { readOnly: true });
  try {
    return (db.prepare('pragma user_version').get() as { user_version: number }).user_version;
  } finally {
    db.close();
  }
};

describe('upgrade in place', () => {
  test('a store of schema 1 is migrated by the first start of serve; its data stays and its trail verifies', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const v1 = new DatabaseSync(path.join(dir, 'mantra.db'));
    v1.exec(migrations[0] as string);
    v1.exec(`pragma user_version = 1; pragma application_id = ${APPLICATION_ID}`);
    v1.prepare('insert into entities (kind, id, version, body, updated_at) values (?, ?, 1, ?, ?)')
      .run('agency', 'dukcapil', JSON.stringify({ slug: 'dukcapil', name: 'Dukcapil' }), '2026-01-01T00:00:00.000Z');
    v1.close();

    const server = serveCli(['--data', dir, '--port', '0', '--workers', '0'], env);
    try {
      const base = await server.ready;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    } finally {
      await server.kill();
    }
    assert.equal(schemaOf(dir), migrations.length);
    const exported = cli(['config', 'export', '--data', dir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(JSON.parse(exported.stdout).entities.agency.map((a: { slug: string }) => a.slug), ['dukcapil']);
    const verified = cli(['audit', 'verify', '--data', dir]);
    assert.equal(verified.code, 0, verified.stderr);
  });

  test('a store newer than the binary: a clear message in id and en, exit 1, the store untouched', () => {
    const dir = tempDir();
    assert.equal(cli(['init', '--data', dir], { env }).code, 0);
    const newer = migrations.length + 1;
    const db = new DatabaseSync(path.join(dir, 'mantra.db'));
    db.exec(`pragma user_version = ${newer}`);
    db.close();
    const before = fs.readFileSync(path.join(dir, 'mantra.db'));

    const id = cli(['serve', '--data', dir, '--port', '0'], { env });
    assert.equal(id.code, 1, id.stdout + id.stderr);
    assert.equal(id.stderr.trim(), `mantra: penyimpanan ditulis oleh Mantra yang lebih baru (skema ${newer}); perbarui Mantra`);
    assert.doesNotMatch(id.stdout, /mendengarkan/, 'it never listened');
    const en = cli(['serve', '--data', dir, '--port', '0'], { env: { ...env, MANTRA_LANG: 'en' } });
    assert.equal(en.code, 1);
    assert.equal(en.stderr.trim(), `mantra: the store was written by a newer Mantra (schema ${newer}); upgrade Mantra`);
    // The read-only commands refuse it the same way.
    const verify = cli(['audit', 'verify', '--data', dir], { env: { MANTRA_LANG: 'en' } });
    assert.equal(verify.code, 1);
    assert.match(verify.stderr, /written by a newer Mantra/);

    assert.equal(schemaOf(dir), newer);
    assert.ok(fs.readFileSync(path.join(dir, 'mantra.db')).equals(before), 'not a byte changed');
    assert.equal(fs.existsSync(path.join(dir, 'mantra.lock')), false, 'the lock is released');
  });
});
