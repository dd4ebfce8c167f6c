/** The benchmark table's arithmetic: ratios per round, medians over rounds, added p99 over the reference. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addP99Notes, addRatios, mergeRounds } from '../../scripts/bench/table.ts';
import type { Row } from '../../scripts/bench/types.ts';

const round = (ref: number, mantra: number, p99: [number, number]): Row[] => {
  const rows: Row[] = [
    { scenario: 's', variant: 'ref', status: 'reference', rate: ref, p99Ms: p99[0], peakRssMb: 9 },
    { scenario: 's', variant: 'mantra', status: 'ok', rate: mantra, p99Ms: p99[1], peakRssMb: 100 + mantra / 1000 },
  ];
  addRatios(rows);
  return rows;
};

test('ratios are taken within each round, then the median of the rounds is reported', () => {
  // Round 2 is slow for both: its ratio is still 0.5, and the median ratio is not the ratio of median rates.
  const merged = mergeRounds([round(100, 60, [1, 2]), round(50, 25, [2, 5]), round(120, 48, [1, 3])]);
  const [ref, mantra] = merged;
  assert.equal(ref.rate, 100);
  assert.equal(ref.ratio, 1);
  assert.equal(mantra.rate, 48);
  assert.equal(mantra.ratio, 0.5);
  assert.equal(mantra.p99Ms, 3);
  assert.equal(mantra.peakRssMb, 100.06, 'the highest RSS of the rounds');
  assert.match(mantra.note!, /ratio 0\.40–0\.60 over 3 rounds/);
});

test('one round is reported as measured; a failed round makes the row an error', () => {
  const one = round(100, 70, [1, 2]);
  assert.equal(mergeRounds([one]), one);
  const failed = round(100, 70, [1, 2]);
  failed[1] = { ...failed[1], status: 'error', note: 'wrong answer after the load' };
  const [, mantra] = mergeRounds([round(100, 70, [1, 2]), failed]);
  assert.equal(mantra.status, 'error');
  assert.equal(mantra.note, 'wrong answer after the load');
});

test('added p99 is noted against the reference row', () => {
  const rows = round(100, 70, [1.5, 4]);
  addP99Notes(rows);
  assert.equal(rows[0].note, undefined);
  assert.equal(rows[1].note, 'p99 +2.50 ms over the reference');
});
