/**
 * One shared case suite: the same calls go through every caller interface, and each renders the outcome in its
 * own form (MANTRA's envelope on the compatible paths, real statuses and problem details on v1, faults on SOAP). An interface
 * joins by adding its entry to `interfaces`: how it sends a call and how it reads the outcome back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, setupDukcapil } from '../support/dukcapil.ts';
import { CONTENT_TYPE, envelope, readAnswer, type Version } from '../support/soap.ts';

/** A call as the cases describe it. */
interface Call {
  operation: string;
  params: Record<string, string>;
  key: string;
}

/** What an interface made of the outcome: success or MANTRA's code, and the HTTP status it answered with. */
interface Seen {
  status: number;
  ok: boolean;
  code: number;
  /** The rows of a data answer, when it has some. */
  rows?: number;
}

interface Interface {
  name: string;
  send(call: Call): Request;
  read(res: Response): Promise<Seen>;
  /** The HTTP status each outcome gets. */
  statuses: Record<Outcome, number>;
  /** MANTRA's code for each outcome in this interface (v1 answers an empty list where MANTRA has 10012). */
  codes: Record<Outcome, number>;
}

type Outcome = 'found' | 'not_found' | 'missing_param' | 'wrong_key' | 'over_limit' | 'backend_down';

const base = 'http://mantra.test';
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

const interfaces: Interface[] = [
  {
    name: 'compatible json',
    send: (c) => new Request(`${base}/json/dukcapil/kependudukan/${c.operation}/${query(c.params)}`, { headers: { AccessKey: c.key } }),
    async read(res) {
      assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
      const { response } = JSON.parse(await res.text());
      const rows = response.data?.[Object.keys(response.data ?? {})[0]];
      return { status: res.status, ok: response.status === 1, code: response.code, rows: rows ? Object.keys(rows).length : undefined };
    },
    statuses: { found: 200, not_found: 200, missing_param: 200, wrong_key: 200, over_limit: 200, backend_down: 200 },
    codes: { found: 200, not_found: 10012, missing_param: 10005, wrong_key: 10002, over_limit: 10024, backend_down: 10020 },
  },
  {
    name: 'compatible xml',
    send: (c) => new Request(`${base}/xml/dukcapil/kependudukan/${c.operation}/${query(c.params)}`, { headers: { AccessKey: c.key } }),
    async read(res) {
      const text = await res.text();
      assert.ok(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<response>'), text.slice(0, 80));
      const field = (name: string) => Number(new RegExp(`<${name}>(-?\\d+)</${name}>`).exec(text)?.[1]);
      return { status: res.status, ok: field('status') === 1, code: field('code'), rows: (text.match(/<nik>/g) ?? []).length || undefined };
    },
    statuses: { found: 200, not_found: 200, missing_param: 200, wrong_key: 200, over_limit: 200, backend_down: 200 },
    codes: { found: 200, not_found: 10012, missing_param: 10005, wrong_key: 10002, over_limit: 10024, backend_down: 10020 },
  },
  {
    name: 'REST v1',
    send: (c) => new Request(`${base}/v1/dukcapil/kependudukan/${c.operation}?${query(c.params)}`, { headers: { 'X-API-Key': c.key } }),
    async read(res) {
      const body = await res.json();
      if (res.ok) return { status: res.status, ok: true, code: 200, rows: Array.isArray(body.data) ? body.data.length : undefined };
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      return { status: res.status, ok: false, code: body.code };
    },
    statuses: { found: 200, not_found: 200, missing_param: 400, wrong_key: 403, over_limit: 429, backend_down: 502 },
    codes: { found: 200, not_found: 200, missing_param: 10005, wrong_key: 10002, over_limit: 10024, backend_down: 10020 },
  },
  ...(['1.1', '1.2'] as Version[]).map((version): Interface => ({
    name: `SOAP ${version}`,
    send: (c) => new Request(`${base}/soap/dukcapil/kependudukan`, {
      method: 'POST',
      headers: { 'Content-Type': CONTENT_TYPE[version], AccessKey: c.key },
      body: envelope(version, 'urn:mantra:dukcapil:kependudukan', c.operation, c.params),
    }),
    async read(res) {
      assert.equal(res.headers.get('content-type'), CONTENT_TYPE[version]);
      const answer = readAnswer(await res.text());
      return { status: res.status, ok: !answer.fault, code: answer.code, rows: answer.rows || undefined };
    },
    // SOAP 1.1 answers every fault with 500 (WS-I BP R1126); SOAP 1.2 a Sender fault with 400.
    statuses: version === '1.1'
      ? { found: 200, not_found: 200, missing_param: 500, wrong_key: 500, over_limit: 500, backend_down: 500 }
      : { found: 200, not_found: 200, missing_param: 400, wrong_key: 400, over_limit: 400, backend_down: 500 },
    codes: { found: 200, not_found: 200, missing_param: 10005, wrong_key: 10002, over_limit: 10024, backend_down: 10020 },
  })),
];

const skip = await needService('PostgreSQL', pgUrl);

describe('every caller interface renders the same outcomes in its own form', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const LIMITED = 'limited0001', DOWN = 'downkey0001';

  /** A port nothing listens on. */
  async function closedPort(): Promise<number> {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    return port;
  }

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    const port = await closedPort();
    await t.put('settings', { internalBackends: [`127.0.0.1:${port}`] });
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'status_luar', kind: 'proxy', params: [{ name: 'nik' }],
      proxy: { style: 'get', endpoint: `http://127.0.0.1:${port}`, method: 'status', timeoutMs: 2000, retries: 0 },
    });
    await t.subscribe(DOWN, 'dukcapil', 'kependudukan', 'status_luar');
  });
  after(() => t?.close());

  const cases: { outcome: Outcome; call: () => Call; rows?: number }[] = [
    { outcome: 'found', call: () => ({ operation: 'penduduk_by_nik', params: { nik: '3201000000000042' }, key: BY_NIK }), rows: 1 },
    { outcome: 'not_found', call: () => ({ operation: 'penduduk_by_nik', params: { nik: '3201999999999999' }, key: BY_NIK }) },
    { outcome: 'missing_param', call: () => ({ operation: 'penduduk_by_nik', params: { nik: '' }, key: BY_NIK }) },
    { outcome: 'wrong_key', call: () => ({ operation: 'penduduk_by_nik', params: { nik: '3201000000000042' }, key: 'wrongkey00' }) },
    { outcome: 'over_limit', call: () => ({ operation: 'penduduk_by_nik', params: { nik: '3201000000000042' }, key: LIMITED }) },
    { outcome: 'backend_down', call: () => ({ operation: 'status_luar', params: { nik: '1' }, key: DOWN }) },
  ];

  for (const i of interfaces) {
    for (const c of cases) {
      test(`${i.name}: ${c.outcome}`, async () => {
        if (c.outcome === 'over_limit') {
          // A fresh subscription allowing one call a minute: the first passes, the second is over the limit.
          await t.subscribe(LIMITED, 'dukcapil', 'kependudukan', 'penduduk_by_nik', { id: `limited-${i.name.replace(/\W/g, '').toLowerCase()}`, rateLimit: 1 });
          const first = await i.read(await t.fetch(i.send(c.call()), { remoteAddress: '127.0.0.1' }));
          assert.equal(first.ok, true, 'the first call is within the limit');
        }
        const seen = await i.read(await t.fetch(i.send(c.call()), { remoteAddress: '127.0.0.1' }));
        assert.equal(seen.status, i.statuses[c.outcome], 'HTTP status');
        assert.equal(seen.code, i.codes[c.outcome], 'MANTRA code');
        assert.equal(seen.ok, c.outcome === 'found' || (c.outcome === 'not_found' && i.codes.not_found === 200));
        if (c.rows !== undefined) assert.equal(seen.rows, c.rows);
      });
    }
  }
});
