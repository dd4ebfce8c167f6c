import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import type { SqlPlan } from '../../../connectors/types.ts';

type Kind = 'postgres' | 'mysql' | 'sqlite' | 'mssql' | 'oracle';
const compile = (text: string, write = false, kind: Kind = 'postgres') =>
  compileData(DataSpec.parse({ connector: 'db', form: 'sql', sql: text, write }), kind);

describe('SQL form guard', () => {
  test('more than one statement is refused, also with write allowed', () => {
    for (const text of ['SELECT 1; SELECT 2', 'SELECT 1; DROP TABLE t', "SELECT ';'; DELETE FROM t; --"]) {
      assert.throws(() => compile(text, true), /exactly one statement/, text);
    }
    assert.throws(() => compile('SELECT 1;;; -- ok\n SELECT 2'), /exactly one statement/);
  });

  test('semicolons inside literals, comments and dollar quotes do not count', () => {
    assert.doesNotThrow(() => compile("SELECT ';' AS a, $$;$$ AS b -- ;\n FROM t /* ; */ ;"));
  });

  test('writes are refused unless the operation allows them', () => {
    const writes = [
      'INSERT INTO t VALUES (1)',
      'update t set a = 1',
      'DELETE FROM t',
      'MERGE INTO t USING s ON (1=1) WHEN MATCHED THEN DELETE',
      'CREATE TABLE x (a int)',
      'DROP TABLE t',
      'ALTER TABLE t ADD b int',
      'TRUNCATE t',
      'GRANT ALL ON t TO PUBLIC',
      'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
      'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
      'SELECT * INTO copy_of_t FROM t',
      'SELECT * FROM t FOR UPDATE',
      "SELECT nextval('seq')",
      "SELECT * FROM dblink('x', 'delete from t') AS r(a int)",
      "SELECT query_to_xml('delete from t', true, true, '')",
      'EXPLAIN ANALYZE DELETE FROM t',
      'CALL proc()',
      'DO $$ BEGIN END $$',
      'COPY t TO STDOUT',
      'SET search_path = x',
    ];
    for (const text of writes) assert.throws(() => compile(text), /writes/, text);
  });

  test('reads pass, including words in literals and quoted names', () => {
    const reads = [
      'SELECT * FROM t',
      '  (SELECT 1) UNION (SELECT 2)',
      'WITH x AS (SELECT 1 AS a) SELECT * FROM x',
      'VALUES (1), (2)',
      `SELECT 'DELETE FROM t' AS txt, "update" FROM t`,
      'SELECT replace(nama, \'a\', \'b\') FROM t -- delete\n',
      'select pg_sleep(0.1)',
    ];
    for (const text of reads) assert.doesNotThrow(() => compile(text), text);
  });

  test('with write allowed: a top-level write answers an affected-row count, RETURNING answers rows', () => {
    assert.equal(compile('UPDATE t SET a = :a WHERE id = :id', true).write, true);
    assert.deepEqual(compile('UPDATE t SET a = :a WHERE id = :id', true)({ a: 1, id: 2 }), {
      type: 'sql', sql: 'UPDATE t SET a = $1 WHERE id = $2', params: [1, 2], write: true,
    });
    assert.equal((compile('INSERT INTO t (a) VALUES (:a) RETURNING id', true)({ a: 1 }) as SqlPlan).write, false);
    assert.equal(compile('WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d', true).write, false);
    assert.equal(compile('SELECT * FROM t', true).write, false);
  });

  test('an empty statement is refused', () => {
    assert.throws(() => compile(' ; '), /empty/);
    assert.throws(() => compile('-- nothing'), /empty/);
  });
});
