import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json } from '../../src/formats/json.ts';
import { judge, phpMissing } from './php-judge.ts';
import { trickyValues } from './tricky-values.ts';

const cases = Object.entries(trickyValues);

test('json.document equals PHP json_encode(JSON_PRETTY_PRINT|JSON_FORCE_OBJECT) for tricky values', { skip: phpMissing }, () => {
  const expected = judge<string[]>(
    '$out = array_map(fn($v) => json_encode($v, JSON_PRETTY_PRINT | JSON_FORCE_OBJECT | JSON_THROW_ON_ERROR), $in);',
    cases.map(([, v]) => v),
  );
  cases.forEach(([name, value], i) => assert.equal(json.document(value), expected[i], name));
});

test('json.document is valid JSON that decodes to the value, lists as objects', () => {
  const listsAsObjects = (v: unknown): unknown =>
    Array.isArray(v) ? Object.fromEntries(v.map((x, i) => [i, listsAsObjects(x)]))
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, listsAsObjects(x)]))
    : v;
  for (const [name, value] of cases) assert.deepEqual(JSON.parse(json.document(value)), listsAsObjects(value), name);
});

test('json.document treats undefined properties and toJSON like JSON.stringify', () => {
  const value = { a: undefined, when: new Date(Date.UTC(2026, 10, 27)), list: [undefined, 1], b: 'x' };
  assert.equal(json.document(value), json.document(JSON.parse(JSON.stringify(value))));
});

test('json.document writes NaN and infinities as 0, like PHP partial output', { skip: phpMissing }, () => {
  const expected = judge<string>('$out = json_encode([NAN, INF, -INF], JSON_PRETTY_PRINT | JSON_FORCE_OBJECT | JSON_PARTIAL_OUTPUT_ON_ERROR);', null);
  assert.equal(json.document([NaN, Infinity, -Infinity]), expected);
});

test('json v1 rows are compact standard JSON with native types', () => {
  const rows = [{ id: 1, name: 'a/b "c" 😀', ok: true, none: null, score: 0.5 }];
  const e = json.rows({ envelope: 'v1', name: 'op' });
  const text = e.head() + e.row(rows[0], 0) + e.tail({ rowCount: 1, truncated: false });
  assert.deepEqual(JSON.parse(text), { data: rows, meta: { rowCount: 1, truncated: false } });
  assert.equal(text, JSON.stringify(JSON.parse(text)));
});
