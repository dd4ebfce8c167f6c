import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileData } from '../../../connectors/sql/index.ts';
import { DataSpec } from '../../../src/model/operation-data.ts';
import type { SqlPlan } from '../../../connectors/types.ts';

type Kind = 'postgres' | 'mysql' | 'sqlite' | 'mssql' | 'oracle';
const compile = (text: string, kind: Kind, write = false) =>
  compileData(DataSpec.parse({ connector: 'db', form: 'sql', sql: text, write }), kind);
const plan = (text: string, kind: Kind, values: Record<string, string | number | null> = {}) =>
  compile(text, kind)(values) as SqlPlan;

describe('named parameters', () => {
  test('become each dialect\'s placeholders', () => {
    const text = 'SELECT * FROM t WHERE a = :a AND b = :b';
    assert.equal(plan(text, 'postgres').sql, 'SELECT * FROM t WHERE a = $1 AND b = $2');
    assert.equal(plan(text, 'mysql').sql, 'SELECT * FROM t WHERE a = ? AND b = ?');
    assert.equal(plan(text, 'sqlite').sql, 'SELECT * FROM t WHERE a = ? AND b = ?');
    assert.equal(plan(text, 'mssql').sql, 'SELECT * FROM t WHERE a = @p1 AND b = @p2');
    assert.equal(plan(text, 'oracle').sql, 'SELECT * FROM t WHERE a = :1 AND b = :2');
    assert.deepEqual(plan(text, 'postgres', { a: 'x', b: 2 }).params, ['x', 2]);
  });

  test('the same name twice: one placeholder where the dialect allows, else bound twice', () => {
    const text = 'SELECT * FROM t WHERE a = :v OR b = :v OR c = :w';
    assert.deepEqual(plan(text, 'postgres', { v: 1, w: 2 }), {
      type: 'sql', sql: 'SELECT * FROM t WHERE a = $1 OR b = $1 OR c = $2', params: [1, 2], write: false,
    });
    assert.deepEqual(plan(text, 'mssql', { v: 1, w: 2 }).sql, 'SELECT * FROM t WHERE a = @p1 OR b = @p1 OR c = @p2');
    assert.deepEqual(plan(text, 'mysql', { v: 1, w: 2 }).params, [1, 1, 2]);
    assert.deepEqual(plan(text, 'oracle', { v: 1, w: 2 }).sql, 'SELECT * FROM t WHERE a = :1 OR b = :2 OR c = :3');
    assert.deepEqual(compile(text, 'mysql').names, ['v', 'w']);
  });

  test('string literals, quoted identifiers and comments are left alone', () => {
    const text = `SELECT ':no', "col:no", a -- :no\n FROM t /* :no */ WHERE b = 'it''s :no' AND c = :yes`;
    const p = plan(text, 'postgres', { yes: 1 });
    assert.equal(p.sql, `SELECT ':no', "col:no", a -- :no\n FROM t /* :no */ WHERE b = 'it''s :no' AND c = $1`);
    assert.deepEqual(compile(text, 'postgres').names, ['yes']);
  });

  test('PostgreSQL: :: casts, dollar quoting, E-strings, nested comments', () => {
    const text = `SELECT :d::date, $$ :no $$, $tag$ :no ' $tag$, E'\\' :no', x /* a /* :no */ b */ FROM t WHERE id = :id`;
    const p = plan(text, 'postgres', { d: '2024-01-01', id: 7 });
    assert.equal(p.sql, `SELECT $1::date, $$ :no $$, $tag$ :no ' $tag$, E'\\' :no', x /* a /* :no */ b */ FROM t WHERE id = $2`);
    assert.deepEqual(p.params, ['2024-01-01', 7]);
  });

  test('MySQL: backslash escapes, backticks, # comments', () => {
    const text = "SELECT 'a\\' :no', `c:no`, \"x\\\" :no\" # :no\n FROM t WHERE a = :a";
    const p = plan(text, 'mysql', { a: 1 });
    assert.equal(p.sql, "SELECT 'a\\' :no', `c:no`, \"x\\\" :no\" # :no\n FROM t WHERE a = ?");
    assert.deepEqual(p.params, [1]);
  });

  test('MySQL executable comments are refused', () => {
    assert.throws(() => compile('SELECT 1 /*! , (DELETE FROM t) */', 'mysql'), /executable comments/);
  });

  test('SQL Server brackets and Oracle q-quoting', () => {
    assert.equal(plan('SELECT [a:b] FROM t WHERE x = :x', 'mssql').sql, 'SELECT [a:b] FROM t WHERE x = @p1');
    assert.equal(plan("SELECT q'[it's :no]' FROM dual WHERE x = :x", 'oracle').sql, "SELECT q'[it's :no]' FROM dual WHERE x = :1");
  });

  test('positional placeholders in the source are refused', () => {
    assert.throws(() => compile('SELECT * FROM t WHERE a = ?', 'mysql'), /by name/);
    assert.throws(() => compile('SELECT * FROM t WHERE a = $1', 'postgres'), /by name/);
    assert.throws(() => compile('SELECT * FROM t WHERE a = :1', 'oracle'), /by name/);
  });

  test('unterminated quotes and comments are refused', () => {
    assert.throws(() => compile("SELECT 'abc", 'postgres'), /unterminated/);
    assert.throws(() => compile('SELECT 1 /* abc', 'postgres'), /unterminated/);
    assert.throws(() => compile('SELECT $x$ abc', 'postgres'), /unterminated/);
  });

  test('a missing value is bound as NULL; one trailing semicolon is dropped', () => {
    assert.deepEqual(plan('SELECT * FROM t WHERE a = :a;  ', 'postgres'), {
      type: 'sql', sql: 'SELECT * FROM t WHERE a = $1', params: [null], write: false,
    });
  });
});
