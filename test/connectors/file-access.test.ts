/** File connectors open only inside allowed roots, never the data directory: resolved as the kernel opens them. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { allowedPath, type FileAccess, resolvePath, rootRefused } from '../../connectors/file-access.ts';
import { createPool } from '../../connectors/pool.ts';
import { job, poolSizes, ref, run } from './support.ts';

describe('file access of file connectors', () => {
  let top: string, roots: string, data: string, access: FileAccess;
  before(() => {
    // realpath: the temp dir itself may sit behind a symlink (e.g. /tmp on macOS).
    top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-file-access-')));
    roots = path.join(top, 'files');
    data = path.join(top, 'data');
    fs.mkdirSync(path.join(roots, 'sub'), { recursive: true });
    fs.mkdirSync(data);
    const db = new DatabaseSync(path.join(data, 'mantra.db'));
    db.exec('create table users (name text, hash text); insert into users values (\'admin\', \'secret-hash\')');
    db.close();
    const own = new DatabaseSync(path.join(roots, 'own.db'));
    own.exec('create table t (a int); insert into t values (1)');
    own.close();
    fs.symlinkSync(data, path.join(roots, 'sub', 'to-data'));
    fs.symlinkSync(path.join(data, 'mantra.db'), path.join(roots, 'mantra-link.db'));
    access = { roots: [roots], dataDir: data };
  });
  after(() => fs.rmSync(top, { recursive: true, force: true }));

  // Joined as text: path.join would take ".." away before the kernel could see it.
  const raw = (...parts: string[]) => parts.join('/');

  test('paths resolve as the kernel opens them: symlinks first, then ".."', () => {
    // sub/to-data/.. is the parent of the link's target (top), not sub.
    assert.equal(resolvePath(raw(roots, 'sub', 'to-data', '..', 'x')), path.join(top, 'x'));
    assert.equal(resolvePath(raw(roots, 'sub', 'to-data', 'mantra.db')), path.join(data, 'mantra.db'));
    assert.equal(resolvePath(raw(roots, 'not-yet', '..', 'new.db')), path.join(roots, 'new.db'));
    assert.equal(resolvePath(raw(roots, 'missing', 'deeper.db')), path.join(roots, 'missing', 'deeper.db'));
    assert.equal(resolvePath(raw(roots, '.', 'own.db')), path.join(roots, 'own.db'));
  });

  test('inside an allowed root: allowed, as its resolved path', () => {
    assert.equal(allowedPath(path.join(roots, 'own.db'), access), path.join(roots, 'own.db'));
    assert.equal(allowedPath(raw(roots, 'sub', '..', 'own.db'), access), path.join(roots, 'own.db'));
    assert.equal(allowedPath(roots, access), roots, 'the root itself (a DBF folder)');
  });

  test('the data directory, a symlink into it, ".." out of a root, or no roots at all: refused', () => {
    for (const p of [
      path.join(data, 'mantra.db'),
      data,
      path.join(roots, 'mantra-link.db'),
      raw(roots, 'sub', 'to-data', 'mantra.db'),
      raw(roots, '..', 'data', 'mantra.db'),
      raw(roots, 'sub', 'to-data', '..', 'elsewhere.db'),
      '/etc/passwd',
    ]) {
      assert.equal(allowedPath(p, access), undefined, p);
    }
    assert.equal(allowedPath(path.join(roots, 'own.db'), { roots: [], dataDir: data }), undefined);
    assert.equal(allowedPath(path.join(roots, 'own.db'), undefined), undefined);
  });

  test('a root that is, holds or lies inside the data directory counts for nothing', () => {
    for (const root of [data, top, '/', path.join(data, 'inner')]) {
      assert.equal(rootRefused(root, data), true, root);
      assert.equal(allowedPath(path.join(roots, 'own.db'), { roots: [root], dataDir: data }), undefined, root);
    }
    assert.equal(rootRefused(roots, data), false);
  });

  for (const size of poolSizes) {
    describe(`the connectors check again when they open (pool of size ${size})`, () => {
      const pool = createPool({ size });
      after(() => pool.close());
      const select = (sql: string) => ({ type: 'sql' as const, sql, params: [], write: false });

      test('sqlite: an allowed file opens; the same path replaced by a symlink into the data directory does not', async () => {
        const file = path.join(roots, `swap-${size}.db`);
        fs.copyFileSync(path.join(roots, 'own.db'), file);
        const conn = (v: number) => ({ ...ref(`test/swap-${size}`, v, { kind: 'sqlite', path: file }), files: access });
        assert.deepEqual((await run(pool, job(conn(1), select('select a from t')))).rows, [{ a: 1 }]);
        fs.rmSync(file);
        fs.symlinkSync(path.join(data, 'mantra.db'), file);
        const out = await run(pool, job(conn(2), select('select hash from users')));
        assert.equal(out.rows.length, 0);
        assert.equal(out.error?.kind, 'config');
        assert.equal(JSON.stringify(out).includes('secret-hash'), false);
        assert.equal(JSON.stringify(out).includes(data), false, 'the error names no path');
      });

      test('sqlite: without file access only :memory: opens', async () => {
        const bare = { ...ref(`test/bare-${size}`, 1, { kind: 'sqlite', path: path.join(roots, 'own.db') }), files: undefined };
        assert.equal((await run(pool, job(bare, select('select a from t')))).error?.kind, 'config');
        const memory = { ...ref(`test/memory-${size}`, 1, { kind: 'sqlite', path: ':memory:' }), files: undefined };
        assert.deepEqual((await run(pool, job(memory, select('select 1 as one')))).rows, [{ one: 1 }]);
      });

      test('sqlite: a statement cannot ATTACH another file (nor VACUUM INTO one)', async () => {
        const conn = { ...ref(`test/attach-${size}`, 1, { kind: 'sqlite', path: path.join(roots, 'own.db') }), files: access };
        for (const sql of [`attach database '${path.join(data, 'mantra.db')}' as m`, `vacuum into '${path.join(roots, 'copy.db')}'`]) {
          const out = await run(pool, job(conn, { type: 'sql', sql, params: [], write: true }));
          assert.ok(out.error, sql);
        }
        assert.equal(fs.existsSync(path.join(roots, 'copy.db')), false);
      });

      test('dbf: the data directory as the folder, or a table file linked into it, is refused', async () => {
        const scan = { type: 'scan' as const, table: 'mantra', columns: [], where: [], order: [] };
        const folder = { ...ref(`test/dbf-data-${size}`, 1, { kind: 'dbf', path: data }), files: access };
        assert.equal((await run(pool, job(folder, scan))).error?.kind, 'config');
        await assert.rejects(pool.test(folder), (err: Error & { kind?: string }) => err.kind === 'config');
        const dbfDir = path.join(roots, `dbf-${size}`);
        fs.mkdirSync(dbfDir);
        fs.symlinkSync(path.join(data, 'mantra.db'), path.join(dbfDir, 'mantra.dbf'));
        const linked = { ...ref(`test/dbf-link-${size}`, 1, { kind: 'dbf', path: dbfDir }), files: access };
        assert.equal((await run(pool, job(linked, scan))).error?.kind, 'config');
      });
    });
  }
});
