/**
 * Seeded fuzzing of the caller interfaces in-process: the compatible URL grammar, REST v1, parameters, bodies,
 * headers and the replies of a proxy backend. Seed: MANTRA_FUZZ_SEED, else the date's (seed.ts); MANTRA_FUZZ_CASES
 * changes the number of cases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { fuzzCases, fuzzSeed } from './seed.ts';
import { gatewayPart, type Part } from './parts.ts';
import { summary } from './run.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('fuzz: caller interfaces in-process', { skip }, () => {
  let part: Part;
  before(async () => {
    part = await gatewayPart();
  });
  after(() => part?.close());

  test('no crash, no 5xx but 502/504, no leak; envelopes and problem details', async () => {
    const report = await part.run({ seed: fuzzSeed(), cases: fuzzCases(1800) });
    console.log(summary(report));
    assert.equal(report.failures.length, 0, `${report.failures.length} failing cases (seed ${report.seed}), printed above`);
  });
});
