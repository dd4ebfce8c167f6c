/** Seeded fuzzing of the admin API in-process: login bodies and every entity's JSON body, mutated. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzCases, fuzzSeed } from './seed.ts';
import { adminPart, type Part } from './parts.ts';
import { summary } from './run.ts';

describe('fuzz: admin API in-process', () => {
  let part: Part;
  before(async () => {
    part = await adminPart();
  });
  after(() => part?.close());

  test('no crash, no 5xx, no secret or stack trace, JSON answers', async () => {
    const report = await part.run({ seed: fuzzSeed(), cases: fuzzCases(300) });
    console.log(summary(report));
    assert.equal(report.failures.length, 0, `${report.failures.length} failing cases (seed ${report.seed}), printed above`);
  });
});
