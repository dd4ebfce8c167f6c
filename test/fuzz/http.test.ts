/**
 * Seeded fuzzing over real HTTP: a server from startServer, raw sockets (node:net) sending what no client library
 * sends (malformed request lines, control bytes, lying lengths, pipelining), so the runtime's parsing is in the path.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { runtime } from '../../src/runtime/index.ts';
import { fuzzCases, fuzzSeed } from './seed.ts';
import { httpPart, type Part } from './parts.ts';
import { summary } from './run.ts';
import { exchange, wireBytes } from './wire.ts';

const skip = await needService('PostgreSQL', pgUrl);

describe('fuzz: a started server over raw sockets', { skip }, () => {
  let part: Part & { port: number };
  before(async () => {
    part = await httpPart();
  });
  after(() => part?.close());

  test('no crash, no 5xx but 502/504, no leak; the interfaces answer in their own form', async () => {
    const report = await part.run({ seed: fuzzSeed(), cases: fuzzCases(500) });
    console.log(summary(report));
    assert.equal(report.failures.length, 0, `${report.failures.length} failing cases (seed ${report.seed}), printed above`);
  });

  // Bun 1.4.5 closes the connection without answering when a request arrives pipelined behind one whose answer
  // is asynchronous (plain Bun.serve does it too). The fuzz run counts such cases; here the rule itself is kept.
  const bunPipelining = runtime.name === 'bun' ? 'SKIPPED under Bun 1.4.5: pipelined requests behind an asynchronous answer are dropped (runtime bug)' : undefined;
  if (bunPipelining) console.warn(`\n*** ${bunPipelining} ***\n`);
  test('two pipelined requests get two answers, in order', { skip: bunPipelining }, async () => {
    const one = 'GET /json/dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccessKey: tog89mzxyu\r\n\r\n';
    const two = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const r = await exchange(part.port, Uint8Array.from(wireBytes(one + two)), { expect: 2, idleMs: 2000 });
    assert.deepEqual(r.answers.map((a) => a.status), [200, 200]);
    assert.match(new TextDecoder().decode(r.answers[0].body), /Penduduk 42/);
    assert.match(new TextDecoder().decode(r.answers[1].body), /"ok"/);
  });
});
