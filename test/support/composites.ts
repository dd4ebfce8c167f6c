/**
 * A world for composite operations: agency dukcapil over a real PostgreSQL (setupDukcapil), a real HTTP backend on
 * loopback (slow, echoing, list-shaped answers), a closed port as a backend that is down, and composites over
 * them. Every operation is subscribed with KEY.
 */
import { runtime, type Server } from '../../src/runtime/index.ts';
import type { testApp } from './app.ts';
import { setupDukcapil } from './dukcapil.ts';

export const KEY = 'komposit0001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type App = Awaited<ReturnType<typeof testApp>>;

export interface Backends {
  base: string;
  down: string;
  /** Requests the backend saw, by path and query. */
  seen: string[];
  stop(): Promise<void>;
}

/** `/slow?ms=N&tag=T` answers {tag, ms} after N ms; `/wilayah?kode=K` a record; `/list` a list of two records. */
export async function startBackends(): Promise<Backends> {
  const seen: string[] = [];
  const server = await runtime.serve({
    port: 0, hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url);
      seen.push(url.pathname + url.search);
      const q = Object.fromEntries(url.searchParams);
      if (url.pathname === '/slow') {
        await sleep(Number(q.ms ?? 0));
        return Response.json({ tag: q.tag, ms: Number(q.ms ?? 0) });
      }
      if (url.pathname === '/wilayah') return Response.json({ kode: q.kode, nama: `Wilayah ${q.kode}` });
      if (url.pathname === '/list') return Response.json([{ nik: '1' }, { nik: '2' }]);
      return new Response('not found', { status: 404 });
    },
  });
  // A port that was just free and is closed again: a backend that is down.
  const gone: Server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') });
  const downPort = gone.port;
  await gone.stop();
  return { base: `http://127.0.0.1:${server.port}`, down: `http://127.0.0.1:${downPort}`, seen, stop: () => server.stop() };
}

const op = (slug: string, body: Record<string, unknown>) => ({ agency: 'dukcapil', service: 'kependudukan', slug, ...body });
const step = (name: string, operation: string, extra: Record<string, unknown> = {}) =>
  ({ name, agency: 'dukcapil', service: 'kependudukan', operation, ...extra });

/** The operations every composite test calls, over PostgreSQL and the backends. */
export async function setupComposites(t: App, pg: string, b: Backends) {
  await setupDukcapil(t, pg);
  // The backends run on this machine: an administrator's allowance.
  await t.put('settings', { fileRoots: [t.dir], internalBackends: [new URL(b.base).host, new URL(b.down).host] });
  // A PostgreSQL server that is down: the closed port.
  await t.put('connector', { agency: 'dukcapil', slug: 'pg_mati', kind: 'postgres', host: '127.0.0.1', port: Number(new URL(b.down).port), database: 'x', user: 'x', connectTimeoutMs: 1000 });
  const http = (endpoint: string, extra: Record<string, unknown> = {}) =>
    ({ style: 'http', endpoint, httpMethod: 'GET', breaker: { failures: 0 }, ...extra });
  const ops = [
    op('lambat', { kind: 'proxy', params: [{ name: 'tag' }, { name: 'ms', type: 'integer', default: 200 }], proxy: http(`${b.base}/slow`) }),
    op('wilayah', { kind: 'proxy', params: [{ name: 'kode' }], proxy: http(`${b.base}/wilayah`) }),
    op('daftar', { kind: 'proxy', proxy: http(`${b.base}/list`) }),
    op('mati', { kind: 'proxy', proxy: http(`${b.down}/x`, { connectTimeoutMs: 1000, timeoutMs: 1000 }) }),
    op('tidur_pg', { kind: 'data', data: { form: 'sql', connector: 'pg', sql: 'select pg_sleep(2) as tidur', timeoutMs: 10_000 } }),
    op('pg_mati', { kind: 'data', data: { form: 'sql', connector: 'pg_mati', sql: 'select 1 as satu' } }),
    op('data_gagal', {
      kind: 'composite',
      composite: {
        steps: [
          step('tidur', 'tidur_pg', { timeoutMs: 300, onFailure: 'omit' }),
          step('mati', 'pg_mati', { onFailure: { default: [] } }),
          step('ada', 'penduduk_by_nik', { params: { nik: "'3201000000000042'" } }),
        ],
      },
    }),
    op('tiga_lambat', {
      kind: 'composite',
      composite: { steps: ['a', 'b', 'c'].map((s) => step(s, 'lambat', { params: { tag: `'${s}'` } })) },
    }),
    op('profil', {
      kind: 'composite', params: [{ name: 'nik', pattern: '\\d{16}' }],
      composite: {
        steps: [
          step('penduduk', 'penduduk_by_nik', { params: { nik: 'params.nik' } }),
          step('wilayah', 'wilayah', { params: { kode: '$string(steps.penduduk.kode_wilayah)' }, needs: ['penduduk'] }),
        ],
        expression: '{ "nik": penduduk.nik, "nama": penduduk.nama, "wilayah": wilayah.nama, "nikDicari": $params.nik }',
      },
    }),
    op('sebagian', {
      kind: 'composite',
      composite: {
        steps: [
          step('cepat', 'lambat', { params: { tag: "'cepat'", ms: '10' } }),
          step('mati', 'mati', { onFailure: 'omit' }),
          step('lama', 'lambat', { params: { tag: "'lama'", ms: '3000' }, timeoutMs: 200, onFailure: { default: { tag: 'cadangan' } } }),
          step('lanjut', 'lambat', { params: { tag: "steps.lama.tag & '-lanjut'", ms: '10' }, needs: ['lama'] }),
          step('yatim', 'lambat', { params: { tag: "'yatim'", ms: '10' }, needs: ['mati'], optional: true }),
        ],
      },
    }),
    op('gagal', {
      kind: 'composite',
      composite: { steps: [step('lama', 'lambat', { params: { tag: "'lama'", ms: '3000' } }), step('mati', 'mati')] },
    }),
    op('habis', {
      kind: 'composite',
      composite: { timeoutMs: 300, steps: [step('sabar', 'lambat', { params: { tag: "'sabar'", ms: '3000' }, timeoutMs: 60_000 })] },
    }),
    op('bentuk', {
      kind: 'composite',
      composite: { steps: [step('daftar', 'daftar'), step('pakai', 'wilayah', { params: { kode: 'steps.daftar.nik' }, needs: ['daftar'] })] },
    }),
    op('rusak', {
      kind: 'composite',
      composite: {
        steps: [
          step('baik', 'lambat', { params: { tag: "'baik'", ms: '10' } }),
          step('buruk', 'lambat', { params: { tag: '$error("rusak di langkah")' }, onFailure: 'omit' }),
        ],
      },
    }),
    op('rusak_hasil', {
      kind: 'composite',
      composite: { steps: [step('baik', 'lambat', { params: { tag: "'baik'", ms: '10' } })], expression: '$error("hasil rusak")' },
    }),
    op('bersarang', {
      kind: 'composite',
      composite: { steps: [step('dalam', 'tiga_lambat'), step('luar', 'lambat', { params: { tag: "'luar'", ms: '10' } })] },
    }),
  ];
  for (const o of ops) {
    await t.put('operation', o);
    await t.subscribe(KEY, 'dukcapil', 'kependudukan', o.slug);
  }
}
