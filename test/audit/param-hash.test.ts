/** Keyed hashes of parameter values: stable per key, different across keys, rules keep or drop, callers cannot grow a track. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { paramHasher } from '../../src/audit/param-hash.ts';

describe('parameter hashes', () => {
  const a = paramHasher(Buffer.alloc(32, 1));
  const b = paramHasher(Buffer.alloc(32, 2));

  test('the same value hashes alike under any name; another key gives another hash; no value in clear', () => {
    const one = a.params({ nik: '3201000000000001' })!;
    const two = a.params({ NIK: '3201000000000001' })!;
    assert.match(one.nik, /^k:[\w-]{22}$/);
    assert.equal(one.nik, two.NIK);
    assert.notEqual(one.nik, b.params({ nik: '3201000000000001' })!.nik);
    assert.ok(!JSON.stringify(one).includes('3201'));
    assert.equal(a.marker('3201000000000001'), `"${one.nik}"`);
    assert.equal(a.params({}), undefined);
  });

  test('an operation keeps some values readable and drops others to the name', () => {
    const kept = a.params({ tahun: '2026', nama: 'Siti', nik: '1' }, { keep: new Set(['tahun']), drop: new Set(['nama']) })!;
    assert.deepEqual([kept.tahun, kept.nama], ['v:2026', '-']);
    assert.match(kept.nik, /^k:/);
    const long = a.params({ t: 'x'.repeat(5000) }, { keep: new Set(['t']), drop: new Set() })!;
    assert.equal(long.t.length, 202, 'a kept value is cut at 200 characters');
  });

  test('at most 50 names of at most 64 characters; odd names stay plain properties', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`p${i}`, String(i)]));
    assert.equal(Object.keys(a.params(many)!).length, 50);
    assert.deepEqual(Object.keys(a.params({ ['n'.repeat(300)]: 'v' })!), ['n'.repeat(64)]);
    const odd = a.params(JSON.parse('{"__proto__":"x","constructor":"y"}'))!;
    assert.deepEqual(Object.keys(odd).sort(), ['__proto__', 'constructor']);
  });
});
