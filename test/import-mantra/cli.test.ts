/** `mantra import-mantra` as an operator runs it: exit codes, clear errors, dry run, summary, re-run. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mysqlUrl, needService, pgUrl } from '../support/services.ts';
import { loadPendudukMysql } from '../support/penduduk.ts';
import { cli } from '../support/cli.ts';
import { createMantraDb, PG_HOST } from './mantra-db.ts';

const skip = await needService('MariaDB', mysqlUrl);
const env = { MANTRA_MASTER_KEY: Buffer.alloc(32, 5).toString('base64') };

describe('mantra import-mantra (CLI)', { skip }, () => {
  let db: Awaited<ReturnType<typeof createMantraDb>>;
  let root: string;
  before(async () => {
    const pg = new URL(pgUrl);
    db = await createMantraDb({ port: Number(pg.port || 5432), user: decodeURIComponent(pg.username), password: '' });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-import-cli-'));
  });
  after(async () => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    await db?.drop();
  });

  test('an unreachable database: a clear error, exit 1, and the data directory is not even created', () => {
    const data = path.join(root, 'unreachable');
    const r = cli(['import-mantra', '--from', 'mysql://root:geheim@127.0.0.1:1/mantra', '--data', data], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot reach the MANTRA database at 127\.0\.0\.1:1: connection refused/);
    assert.ok(!r.stderr.includes('geheim') && !r.stdout.includes('geheim'), 'the password is never shown');
    assert.equal(fs.existsSync(data), false);
  });

  test('a database that is not MANTRA\'s: exit 1, naming what is missing', async () => {
    const other = (await loadPendudukMysql()).replace(/^mysql:\/\/[^@]*@/, 'mysql://root@');
    const r = cli(['import-mantra', '--from', other, '--data', path.join(root, 'foreign')], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /is not a MANTRA database: it lacks table instances, table services, table methods, table users, table orders/);
  });

  test('bad options: exit 1 with the usage', () => {
    assert.match(cli(['import-mantra', '--data', path.join(root, 'x')], { env }).stderr, /needs --from mysql:\/\//);
    const bad = cli(['import-mantra', '--from', db.url, '--rewrite-host', 'nothing', '--data', path.join(root, 'x')], { env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--rewrite-host "nothing": use OLD=NEW/);
    assert.match(cli(['import-mantra', '--from', 'postgres://x/y', '--data', path.join(root, 'x')], { env }).stderr, /must be a mysql:\/\/ URL/);
  });

  test('--dry-run prints every item and problem and writes nothing; the import then re-runs unchanged', () => {
    const data = path.join(root, 'data');
    const rewrite = ['--rewrite-host', `${PG_HOST}=127.0.0.1`];
    const dry = cli(['import-mantra', '--from', db.url, '--data', data, '--dry-run', ...rewrite], { env });
    assert.equal(dry.code, 2, dry.stderr); // some rows are broken on purpose
    assert.match(dry.stdout, /^\+ create operation dukcapil\/kependudukan\/penduduk_by_nik {2}\[methods#1\]$/m);
    assert.match(dry.stdout, /^! skip operation dukcapil\/kependudukan\/rusak_json {2}\[methods#4\]\n {4}problem: sourcecode is not valid JSON/m);
    assert.match(dry.stdout, /^Summary \(mysql:\/\/127\.0\.0\.1:3306\/mantra_import_\w+, dry run: nothing written\)$/m);
    assert.match(dry.stdout, /^subscription\s+6\s+0\s+0\s+0\s+3$/m);
    assert.match(dry.stderr, /import-mantra: reading mysql:\/\/127\.0\.0\.1:3306\//);
    assert.equal(fs.existsSync(data), false, 'a dry run creates nothing');

    const run = cli(['import-mantra', '--from', db.url, '--data', data, ...rewrite], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stdout, /^\+ created subscription mantra-order-1 {2}\[orders#1\]$/m);
    assert.match(run.stdout, /^operation\s+10\s+0\s+0\s+0\s+5$/m);
    assert.ok(fs.existsSync(path.join(data, 'import-mantra.json')));

    const again = cli(['import-mantra', '--from', db.url, '--data', data, ...rewrite], { env });
    assert.equal(again.code, 2, again.stderr);
    assert.doesNotMatch(again.stdout, /^[+~] /m, 'nothing created or updated');
    assert.match(again.stdout, /^operation\s+0\s+0\s+10\s+0\s+5$/m);
  });
});
