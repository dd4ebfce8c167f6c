/**
 * Callers that go away mid-answer must not disturb anyone else: after many aborted exports, every answer is the
 * caller's own (a regression test: with pipelined connections and cancel requests, answers once crossed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const skip = await needService('PostgreSQL', pgUrl);

for (const workers of [0, 2]) {
  describe(`aborted callers (workers=${workers})`, { skip }, () => {
    let t: Awaited<ReturnType<typeof testApp>>, server: Server, base = '';
    const headers = { 'X-API-Key': BY_NIK };

    before(async () => {
      t = await testApp({ workers });
      await setupDukcapil(t, await loadPendudukPg());
      await t.put('operation', {
        agency: 'dukcapil', service: 'kependudukan', slug: 'semua', kind: 'data',
        data: { form: 'table', connector: 'pg', table: 'penduduk', columns: ['nik', 'nama'], order: [{ column: 'nik' }] },
      });
      await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'semua');
      server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => t.app.fetch(req, info) });
      base = `http://127.0.0.1:${server.port}/v1/dukcapil/kependudukan`;
    });
    after(async () => {
      await server?.stop();
      await t?.close();
    });

    test('every answer after random disconnects is the caller\'s own', async () => {
      const wrong: string[] = [];
      for (let round = 0; round < 4; round++) {
        await Promise.all(Array.from({ length: 24 }, async () => {
          const ac = new AbortController();
          setTimeout(() => ac.abort(), Math.random() * 150);
          try {
            await (await fetch(`${base}/semua`, { headers, signal: ac.signal })).arrayBuffer();
          } catch { /* aborted on purpose */ }
        }));
        for (let i = 0; i < 4; i++) {
          const nik = `32010000000${String(100 + i + round * 10).padStart(5, '0')}`;
          const one = await (await fetch(`${base}/penduduk_by_nik?nik=${nik}`, { headers })).json();
          const all = await (await fetch(`${base}/semua`, { headers })).json();
          if (one.data?.[0]?.nik !== nik || one.data.length !== 1) wrong.push(`by-key ${nik}: ${JSON.stringify(one).slice(0, 100)}`);
          if (all.data?.length !== 10000 || all.data[0].nik !== '3201000000000001') wrong.push(`all: ${all.data?.length} rows`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    test('no call is left hanging: the server stops promptly', async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting for calls'), 5000)));
      const outcome = await Promise.race([server.stop().then(() => 'stopped'), late]);
      clearTimeout(timer);
      server = undefined!; // after() must not wait on it again
      assert.equal(outcome, 'stopped');
    });
  });
}
