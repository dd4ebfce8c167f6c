import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, utf8Length } from '../../src/formats/serialize.ts';
import { judge, phpMissing, runPhp } from './php-judge.ts';
import { trickyValues } from './tricky-values.ts';

const cases = Object.entries(trickyValues);

test('serialize.document equals PHP serialize() and unserialize() gives the value back', { skip: phpMissing }, () => {
  const ours = cases.map(([, v]) => serialize.document(v));
  const php = judge<{ serialized: string; same: boolean }[]>(
    `$out = [];
     foreach ($in['values'] as $i => $v) {
       $out[] = ['serialized' => serialize($v), 'same' => unserialize($in['ours'][$i]) === $v];
     }`,
    { values: cases.map(([, v]) => v), ours },
  );
  cases.forEach(([name], i) => {
    assert.equal(ours[i], php[i].serialized, name);
    assert.ok(php[i].same, `${name}: unserialize(ours) !== the value`);
  });
});

test('serialize.document writes NaN and infinities as PHP does', { skip: phpMissing }, () => {
  assert.equal(serialize.document([NaN, Infinity, -Infinity, -0.5]), runPhp('echo serialize([NAN, INF, -INF, -0.5]);'));
});

test('utf8Length counts UTF-8 bytes, lone surrogates as U+FFFD', () => {
  for (const s of ['', 'abc', 'é', '€', '😀', 'a😀b中', '\ud800', 'x\udc00y']) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

test('serialize rows need the count and refuse to start without it', () => {
  const e = serialize.rows({ envelope: 'mantra', name: 'op' });
  assert.equal(e.needsCount, true);
  assert.throws(() => e.head());
});
