/**
 * The MANTRA-compatible paths answer byte for byte what the original answered (test/fixtures/compat/golden,
 * captured from MANTRA 1.99y), over the same data in a real PostgreSQL, through the worker pool and inline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { golden, goldenCases, goldenRequest, setupDukcapil } from '../support/dukcapil.ts';

const cases = goldenCases();

const skip = await needService('PostgreSQL', pgUrl);

for (const workers of [1, 0]) {
  describe(`compatible paths, golden bytes (workers=${workers})`, { skip }, () => {
    let t: Awaited<ReturnType<typeof testApp>>;
    before(async () => {
      t = await testApp({ workers });
      await setupDukcapil(t, await loadPendudukPg());
    });
    after(() => t?.close());

    for (const c of cases) {
      test(c.name, async () => {
        const res = await t.app.request(...goldenRequest(c));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
        assert.equal(await res.text(), golden(c.name));
      });
    }
  });
}
