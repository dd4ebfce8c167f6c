import { test } from 'node:test';
import assert from 'node:assert/strict';
import { php } from '../../src/formats/php.ts';
import { judge, phpMissing, runPhp } from './php-judge.ts';
import { trickyValues } from './tricky-values.ts';

const cases = Object.entries(trickyValues);

test('php.document equals var_export() and evaluates back to the value', { skip: phpMissing }, () => {
  const ours = cases.map(([, v]) => php.document(v));
  const judged = judge<{ exported: string; same: boolean }[]>(
    `$out = [];
     foreach ($in['values'] as $i => $v) {
       $out[] = ['exported' => var_export($v, true), 'same' => eval('return ' . $in['ours'][$i] . ';') === $v];
     }`,
    { values: cases.map(([, v]) => v), ours },
  );
  cases.forEach(([name], i) => {
    assert.equal(ours[i], judged[i].exported, name);
    assert.ok(judged[i].same, `${name}: eval(ours) !== the value`);
  });
});

test('php.document writes NaN, infinities and whole floats as var_export does', { skip: phpMissing }, () => {
  assert.equal(php.document([NaN, Infinity, -Infinity, 1e20, -0.5]), runPhp('var_export([NAN, INF, -INF, 1e20, -0.5]);'));
});
