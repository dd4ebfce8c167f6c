/**
 * Composite operations called over REST v1 and the compatible path, their steps calling a real PostgreSQL and a
 * real HTTP backend on loopback: concurrency and dependencies read from the steps' own reports (start and
 * duration), each configured failure behaviour, the composite's own timeout, unexpected shapes, expressions that
 * fail at run time, nesting, the caller's field rules, a caller who leaves, and a track per step linked by the
 * outer request id.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import postgres from 'postgres';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { type Backends, KEY, setupComposites, startBackends } from '../support/composites.ts';
import { withRequestId } from '../../src/app-env.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const skip = await needService('PostgreSQL', pgUrl);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Report = { status: string; startMs: number; ms: number; code?: number; error?: string; steps?: Record<string, Report> };

describe('composite operations: the fan-out', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>, b: Backends;
  let n = 0;

  /** A v1 call; its request id is returned to find its tracks. */
  async function v1(op: string, opts: { query?: string; key?: string; lang?: string } = {}) {
    const requestId = `komposit-${++n}`;
    const started = performance.now();
    const headers: Record<string, string> = { 'X-API-Key': opts.key ?? KEY, ...(opts.lang ? { 'Accept-Language': opts.lang } : {}) };
    const res = await t.fetch(new Request(`http://mantra.test/v1/dukcapil/kependudukan/${op}${opts.query ?? ''}`, { headers }), { requestId, remoteAddress: '192.0.2.7' });
    const body = await res.json();
    return { res, body, requestId, elapsed: performance.now() - started, steps: body.meta?.steps as Record<string, Report> };
  }
  async function tracksOf(requestId: string) {
    await t.tracker.flush();
    return (await t.store.tracks({ limit: 100_000 })).filter((r) => r.requestId === requestId);
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    b = await startBackends();
    await setupComposites(t, await loadPendudukPg(), b);
  });
  after(async () => {
    await b?.stop();
    await t?.close();
  });

  test('steps without a dependency run concurrently: three 200 ms steps overlap', async () => {
    const { res, body, steps, elapsed } = await v1('tiga_lambat');
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { a: { tag: 'a', ms: 200 }, b: { tag: 'b', ms: 200 }, c: { tag: 'c', ms: 200 } });
    assert.equal(body.meta.complete, true);
    const names = ['a', 'b', 'c'];
    for (const s of names) assert.ok(steps[s].status === 'ok' && steps[s].ms >= 190, JSON.stringify(steps[s]));
    // Every step started before every other one ended: they ran at the same time.
    for (const x of names) for (const y of names) if (x !== y) assert.ok(steps[x].startMs < steps[y].startMs + steps[y].ms, `${x} started after ${y} ended`);
    const sum = names.reduce((s, x) => s + steps[x].ms, 0);
    assert.ok(elapsed < sum, `the answer took ${elapsed} ms, the steps ${sum} ms together`);
    assert.match(res.headers.get('x-mantra-steps')!, /^a=ok;start=[\d.]+;ms=[\d.]+, b=ok;start=[\d.]+;ms=[\d.]+, c=ok;start=[\d.]+;ms=[\d.]+$/);
  });

  test('a step that needs another waits for it and reads its result; the expression shapes the answer', async () => {
    const { res, body, steps } = await v1('profil', { query: '?nik=3201000000000042' });
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { nik: '3201000000000042', nama: 'Penduduk 42', wilayah: 'Wilayah 3201042', nikDicari: '3201000000000042' });
    assert.ok(steps.wilayah.startMs >= steps.penduduk.startMs + steps.penduduk.ms, JSON.stringify(steps));
    assert.ok(b.seen.includes('/wilayah?kode=3201042'), 'the second step was called with the first one\'s field');
  });

  test('a failed step does what it is configured to do: omit, a default value, and the steps after it', async () => {
    const { res, body, steps, elapsed } = await v1('sebagian');
    assert.equal(res.status, 200);
    assert.deepEqual(body.data, { cepat: { tag: 'cepat', ms: 10 }, lama: { tag: 'cadangan' }, lanjut: { tag: 'cadangan-lanjut', ms: 10 } });
    assert.equal(body.meta.complete, false);
    const seen = Object.fromEntries(Object.entries(steps).map(([k, r]) => [k, [r.status, r.code, r.error]]));
    assert.deepEqual(seen, {
      cepat: ['ok', undefined, undefined],
      mati: ['omitted', 10020, 'unavailable'], // the backend is down
      lama: ['default', 10021, 'timeout'], // the backend is slow: its 200 ms were up long before its 3 s answer
      lanjut: ['ok', undefined, undefined], // it needs `lama`, and read its default value
      yatim: ['omitted', 10044, 'step_needs'], // it needs `mati`, which is left out
    });
    assert.ok(steps.lama.ms < 1000 && elapsed < 1500, `waited ${elapsed} ms for a step of 200 ms`);
    assert.ok(steps.lanjut.startMs >= steps.lama.startMs + steps.lama.ms);
    assert.match(res.headers.get('x-mantra-steps')!, /mati=omitted;start=[\d.]+;ms=[\d.]+;code=10020/);
  });

  test('data steps: a slow statement is cancelled in PostgreSQL at the step\'s deadline; a database that is down', async () => {
    const sql = postgres(await loadPendudukPg(), { max: 1, onnotice: () => {} });
    const sleeping = async () =>
      (await sql`select count(*)::int as n from pg_stat_activity where query like '%pg\_sleep(2)%' and pid <> pg_backend_pid() and state = 'active'`)[0].n;
    const started = performance.now();
    const call = v1('data_gagal');
    await sleep(150);
    const during = await sleeping();
    const { res, body, steps, elapsed } = await call;
    assert.equal(during, 1, 'the statement ran while the step waited');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(body.data), ['mati', 'ada']);
    assert.deepEqual(body.data.mati, [], 'its default value');
    assert.equal(body.data.ada[0].nik, '3201000000000042', 'rows of a data step, read whole');
    assert.deepEqual([steps.tidur.status, steps.tidur.code, steps.mati.status, steps.mati.code], ['omitted', 10021, 'default', 10020]);
    assert.ok(elapsed < 1500, `waited ${elapsed} ms (step deadline 300 ms, statement 2 s)`);
    // The deadline reached the statement itself: it is cancelled (its cancel request takes a moment), not left
    // running for its 2 s.
    try {
      for (let i = 0; i < 20 && (await sleeping()) > 0; i++) await sleep(25);
      assert.equal(await sleeping(), 0);
      assert.ok(performance.now() - started < 1200, 'cancelled well before the statement would have ended');
    } finally {
      await sql.end();
    }
  });

  test('a step set to `fail` fails the call at once, naming the step, and the steps still running are cancelled', async () => {
    const { res, body, elapsed, requestId } = await v1('gagal');
    assert.equal(res.status, 502);
    assert.equal(body.code, 10020);
    assert.equal(body.detail, 'Langkah "mati" gagal: Sumber data tidak dapat dihubungi');
    assert.ok(elapsed < 1500, `waited ${elapsed} ms for a step that was already lost`);
    const en = await v1('gagal', { lang: 'en' });
    assert.equal(en.body.detail, 'Step "mati" failed: The data source is unavailable');
    const compat = await t.fetch(new Request('http://mantra.test/json/dukcapil/kependudukan/gagal', { headers: { AccessKey: KEY } }));
    const { response } = JSON.parse(await compat.text());
    assert.deepEqual([compat.status, response.status, response.code, response.message, response.data], [200, 0, 10020, 'Langkah "mati" gagal: Sumber data tidak dapat dihubungi', '']);
    const tracks = await tracksOf(requestId);
    const lama = tracks.find((r) => r.operation === 'lambat')!;
    assert.deepEqual([lama.interface, lama.code, lama.note], ['composite', 10031, 'step lama of dukcapil/kependudukan/gagal: cancelled: step mati failed']);
  });

  test('no wait past the composite\'s own timeout, whatever the step\'s timeout', async () => {
    const { res, body, elapsed } = await v1('habis');
    assert.equal(res.status, 504);
    assert.equal(body.code, 10021);
    assert.equal(body.detail, 'Langkah "sabar" gagal: Waktu tunggu operasi habis');
    assert.ok(elapsed >= 290 && elapsed < 1500, `answered after ${elapsed} ms (composite timeout 300 ms, step 60 s, backend 3 s)`);
  });

  test('a step returning an unexpected shape: a clear error naming the step and the parameter', async () => {
    const { res, body } = await v1('bentuk');
    assert.equal(res.status, 502);
    assert.equal(body.code, 10045);
    assert.equal(body.detail, 'Langkah "pakai" gagal: parameter "kode" bukan satu nilai (didapat array(2))');
  });

  test('expressions failing at run time: a step\'s parameter (its configured behaviour), the result (the call)', async () => {
    const step = await v1('rusak');
    assert.equal(step.res.status, 200);
    assert.deepEqual(step.body.data, { baik: { tag: 'baik', ms: 10 } });
    assert.deepEqual([step.steps.buruk.status, step.steps.buruk.code, step.steps.buruk.error], ['omitted', 10045, 'step_expression']);
    const result = await v1('rusak_hasil', { lang: 'en' });
    assert.equal(result.res.status, 502);
    assert.equal(result.body.code, 10045);
    assert.match(result.body.detail, /^The result expression of the composite failed: hasil rusak/);
  });

  test('a composite calls a composite: its answer nests, and so do its steps\' reports', async () => {
    const { res, body, steps } = await v1('bersarang');
    assert.equal(res.status, 200);
    assert.deepEqual(body.data.dalam, { a: { tag: 'a', ms: 200 }, b: { tag: 'b', ms: 200 }, c: { tag: 'c', ms: 200 } });
    assert.deepEqual(Object.keys(steps.dalam.steps!), ['a', 'b', 'c']);
    assert.ok(steps.luar.startMs < steps.dalam.startMs + steps.dalam.ms, 'the outer steps ran concurrently too');
  });

  test('a cycle that configuration let through stops at the nesting limit with a clear error', async () => {
    // Saved straight into the store: the admin API refuses cycles (test/admin-api/composites.test.ts).
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'putar', kind: 'composite',
      composite: { steps: [{ name: 'lagi', agency: 'dukcapil', service: 'kependudukan', operation: 'putar' }] },
    });
    await t.subscribe(KEY, 'dukcapil', 'kependudukan', 'putar');
    const { res, body } = await v1('putar', { lang: 'en' });
    assert.equal(res.status, 502);
    assert.equal(body.code, 10046);
    assert.match(body.detail, /^Step "lagi" failed: (Step "lagi" failed: )+Composites are nested deeper than 8 levels$/);
  });

  test('the caller\'s field rules apply to every step before any expression reads it', async () => {
    await t.subscribe('saring00002', 'dukcapil', 'kependudukan', 'profil', { hideFields: ['nama'], maskFields: ['nik'] });
    const { res, body } = await v1('profil', { query: '?nik=3201000000000042', key: 'saring00002' });
    assert.equal(res.status, 200);
    // `nama` is hidden wherever it stands (the region's name too), `nik` masked; the caller's own value is not a field.
    assert.deepEqual(body.data, { nik: '3201********0042', nikDicari: '3201000000000042' });
    // A hidden field cannot feed the next step either.
    await t.subscribe('saring00003', 'dukcapil', 'kependudukan', 'profil', { hideFields: ['kode_wilayah'] });
    const hidden = await v1('profil', { query: '?nik=3201000000000042', key: 'saring00003' });
    assert.equal(hidden.res.status, 400);
    assert.equal(hidden.body.detail, 'Langkah "wilayah" gagal: Parameter "kode" wajib diisi');
  });

  test('each inner call is a track: interface composite, the outer request id, the outer subscription', async () => {
    const { requestId } = await v1('profil', { query: '?nik=3201000000000042' });
    const tracks = await tracksOf(requestId);
    assert.deepEqual(tracks.map((r) => [r.interface, r.operation, r.code]), [
      ['composite', 'penduduk_by_nik', 200], ['composite', 'wilayah', 200], ['v1', 'profil', 200],
    ]);
    const [penduduk, wilayah, outer] = tracks;
    for (const r of [penduduk, wilayah]) {
      assert.equal(r.subscription, outer.subscription);
      assert.equal(r.consumer, outer.consumer);
      assert.equal(r.remote, '192.0.2.7');
    }
    assert.equal(penduduk.rows, 1);
    assert.equal(penduduk.note, 'step penduduk of dukcapil/kependudukan/profil');
    // Parameters as keyed hashes, never the NIK; the same hash as the outer call's, so the data-subject report finds both.
    assert.match(penduduk.params!.nik, /^k:/);
    assert.equal(penduduk.params!.nik, outer.params!.nik);
    assert.ok(!JSON.stringify(tracks).includes('3201000000000042'));
  });

  describe('over a real server', () => {
    let server: Server;
    before(async () => {
      server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
    });
    after(() => server?.stop());

    test('X-Request-Id is the correlation id of the outer call and of every inner one, nested ones included', async () => {
      const res = await fetch(`http://127.0.0.1:${server.port}/json/dukcapil/kependudukan/bersarang`, { headers: { AccessKey: KEY, 'X-Request-Id': 'jejak-bersarang-1' } });
      assert.equal(res.headers.get('x-request-id'), 'jejak-bersarang-1');
      assert.equal(JSON.parse(await res.text()).response.status, 1);
      const tracks = await tracksOf('jejak-bersarang-1');
      assert.deepEqual(tracks.map((r) => `${r.interface} ${r.operation}`).sort(), [
        'compat bersarang', 'composite lambat', 'composite lambat', 'composite lambat', 'composite lambat', 'composite tiga_lambat',
      ]);
    });

    test('a caller who leaves stops the steps; they are tracked as cancelled, and so is the call', async () => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(`GET /v1/dukcapil/kependudukan/tiga_lambat HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\nX-Request-Id: jejak-pergi-1\r\n\r\n`);
      await sleep(80);
      socket.destroy();
      await sleep(400);
      const tracks = await tracksOf('jejak-pergi-1');
      assert.deepEqual(tracks.map((r) => [r.interface, r.code]).sort(), [['composite', 10031], ['composite', 10031], ['composite', 10031], ['v1', 10031]]);
      assert.ok(tracks.filter((r) => r.interface === 'composite').every((r) => r.note?.endsWith('cancelled: the caller left')));
    });
  });
});
