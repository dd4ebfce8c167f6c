/** Caller parameters from query strings and form bodies: the same pairs as URLSearchParams, with or without escapes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePairs, splitUrl } from '../../src/gateway/request-params.ts';

describe('request parameters', () => {
  test('parsePairs gives what URLSearchParams gives (empty names dropped, last value wins)', () => {
    const cases = ['a=1&b=2', 'a&b=&=c&d=4', 'a=1&a=2', 'x=%20y+z', 'k=v=w', '&&a=1&', 'nik=3201000000000042',
      'a[]=1&a[]=2', 'é=ü', 'a=1;b=2', '?a=1', 'q=%zz', '=', '&'];
    for (const text of cases) {
      const expected: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(text)) if (k !== '') expected[k] = v;
      assert.deepEqual(parsePairs(text), expected, text);
    }
  });

  test('parsePairs adds to the given record; splitUrl separates path and query', () => {
    assert.deepEqual(parsePairs('b=2', { a: '1' }), { a: '1', b: '2' });
    assert.deepEqual(splitUrl('http://h:1/json/a/s/o/nik=1?x=2&y'), { path: '/json/a/s/o/nik=1', search: 'x=2&y' });
    assert.deepEqual(splitUrl('http://h/v1/a'), { path: '/v1/a', search: '' });
  });
});
