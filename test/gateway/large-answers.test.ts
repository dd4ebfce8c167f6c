/**
 * Many large answers at once, on a real server over PostgreSQL: 32 concurrent 10,000-row answers come whole and
 * right, callers who drop them midway (as a load generator does when it stops) disturb no one, and the call that
 * follows is answered correctly. A regression test: a cancel request meant for an abandoned statement once landed
 * on the next statement of its pipelined connection and broke that caller's answer off (ECONNRESET).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { withRequestId } from '../../src/app-env.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const skip = await needService('PostgreSQL', pgUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const columns = ['nik', 'nama', 'tgl_lahir', 'jenis_kelamin', 'alamat', 'kode_wilayah'];

for (const workers of [0, 2]) {
  describe(`32 concurrent 10,000-row answers (workers=${workers})`, { skip }, () => {
    let t: Awaited<ReturnType<typeof testApp>>, server: Server, base = '';
    const headers = { 'X-API-Key': BY_NIK };

    before(async () => {
      t = await testApp({ workers });
      await setupDukcapil(t, await loadPendudukPg());
      await t.put('operation', {
        agency: 'dukcapil', service: 'kependudukan', slug: 'penduduk_semua', kind: 'data',
        data: { form: 'table', connector: 'pg', table: 'penduduk', columns, order: [{ column: 'nik' }], limit: 10_000, rowCap: 10_000 },
      });
      await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'penduduk_semua');
      server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
      base = `http://127.0.0.1:${server.port}/v1/dukcapil/kependudukan`;
    });
    after(async () => {
      await server?.stop();
      await t?.close();
    });

    /** What is wrong with a whole answer of the 10,000 rows, if anything. */
    const wrongAll = (body: string): string | undefined => {
      let doc: { data?: { nik: string }[]; meta?: { rowCount?: number } };
      try {
        doc = JSON.parse(body);
      } catch {
        return `not JSON (${body.length} bytes)`;
      }
      if (doc.data?.length !== 10_000 || doc.meta?.rowCount !== 10_000) return `${doc.data?.length} rows`;
      if (doc.data[0].nik !== '3201000000000001' || doc.data[9_999].nik !== '3201000000010000') return 'rows out of order';
      return undefined;
    };

    const byKey = async (i: number) => {
      const nik = `3201${String(1 + ((i * 7919) % 10_000)).padStart(12, '0')}`;
      const doc = await (await fetch(`${base}/penduduk_by_nik?nik=${nik}`, { headers })).json();
      return doc.data?.length === 1 && doc.data[0].nik === nik ? undefined : `by-key ${nik}: ${JSON.stringify(doc).slice(0, 120)}`;
    };

    test('all 32 come whole and right; callers who drop them midway disturb no one after them', async () => {
      const problems: string[] = [];
      const whole = await Promise.all(Array.from({ length: 32 }, async () => wrongAll(await (await fetch(`${base}/penduduk_semua`, { headers })).text())));
      problems.push(...whole.filter((p): p is string => p !== undefined));
      for (let round = 0; round < 4; round++) {
        // 32 callers who leave at some point of their answer, as wrk's connections do when it stops.
        await Promise.all(Array.from({ length: 32 }, async (_, i) => {
          const ac = new AbortController();
          setTimeout(() => ac.abort(), 20 + ((i * 37 + round * 11) % 400));
          try {
            const res = await fetch(`${base}/penduduk_semua`, { headers, signal: ac.signal });
            await res.arrayBuffer();
          } catch { /* left on purpose */ }
        }));
        // At once, on fresh connections: large answers and by-key calls are each the caller's own, and whole.
        const next = await Promise.all([
          ...[0, 1, 2, 3].map(async () => {
            try {
              return wrongAll(await (await fetch(`${base}/penduduk_semua`, { headers: { ...headers, connection: 'close' } })).text());
            } catch (err) {
              return `large answer after the load: ${(err as Error).message}`;
            }
          }),
          ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => byKey(round * 8 + i).catch((err) => `by-key after the load: ${(err as Error).message}`)),
        ]);
        problems.push(...next.filter((p): p is string => p !== undefined).map((p) => `round ${round}: ${p}`));
      }
      assert.deepEqual(problems, []);
    });

    test('the server is idle again: every job ended, every database read stopped', async () => {
      let active: number[] = [];
      for (let i = 0; i < 60; i++) {
        active = t.pool.stats().active;
        if (active.every((n) => n === 0)) break;
        await sleep(50);
      }
      assert.deepEqual(active.filter((n) => n !== 0), []);
    });
  });
}
