/**
 * Real SOAP clients against a running server: PHP's own SoapClient (Debian's php-soap) and Python's zeep (Debian's
 * python3-zeep, through /usr/bin/python3) read the WSDL over HTTP and call, over SOAP 1.1 and 1.2, a data operation
 * (PostgreSQL) with the key as the AccessKey header and as a WS-Security UsernameToken, a proxy operation whose
 * backend runs on loopback (generic rows, and rows typed by its shape), and faulting calls (a wrong key, a missing
 * parameter) whose MANTRA code and message they read from the fault.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { needService, pgUrl } from '../../support/services.ts';
import { needTool, runs } from '../../support/tools.ts';
import { loadPendudukPg } from '../../support/penduduk.ts';
import { testApp } from '../../support/app.ts';
import { BY_NIK, setupDukcapil } from '../../support/dukcapil.ts';
import { runtime, type Server } from '../../../src/runtime/index.ts';
import { withRequestId } from '../../../src/app-env.ts';

const pgSkip = await needService('PostgreSQL', pgUrl);
const phpSkip = needTool("PHP's SoapClient (php-soap)", () => runs('/usr/bin/php', ['-m'], /^soap$/m));
const zeepSkip = needTool('python3-zeep for /usr/bin/python3', () => runs('/usr/bin/python3', ['-c', 'import zeep']));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/soap/${name}`, import.meta.url));

interface ClientCall {
  operation: string;
  params: Record<string, string>;
  header?: string;
  token?: { user: string; key: string };
}

/** Runs a client script with the calls on stdin, without blocking the server in this same process. */
function client(cmd: string, script: string, input: unknown): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    p.on('error', reject);
    p.on('exit', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`${cmd} ${script} exited ${code}: ${err.slice(-2000)} ${out.slice(0, 500)}`));
      }
    });
    p.stdin.end(JSON.stringify(input));
  });
}

const NIK = '3201000000000042';
const calls: ClientCall[] = [
  { operation: 'penduduk_by_nik', params: { nik: NIK }, header: BY_NIK },
  { operation: 'penduduk_by_nik', params: { nik: NIK }, token: { user: 'dukcapil/app', key: BY_NIK } },
  { operation: 'status', params: { nik: '7' }, header: BY_NIK },
  { operation: 'status_ringkas', params: { nik: '7' }, header: BY_NIK },
  { operation: 'penduduk_by_nik', params: { nik: NIK }, header: 'wrongkey00' },
  { operation: 'penduduk_by_nik', params: { nik: '' }, header: BY_NIK },
];
const person = { nik: NIK, nama: 'Penduduk 42', tgl_lahir: '1954-04-04', jenis_kelamin: 'P', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07', kode_wilayah: '3201042' };

describe('real SOAP clients read the WSDL and call', { skip: pgSkip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let server: Server, backend: Server;
  let wsdl = '';

  before(async () => {
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    backend = await runtime.serve({
      port: 0, hostname: '127.0.0.1',
      fetch: (req) => Response.json({ nik: new URL(req.url).searchParams.get('nik'), status: 'hidup', wilayah: { kota: 'Bogor' } }),
    });
    // The backend runs on this machine: an administrator's allowance.
    await t.put('settings', { internalBackends: [`127.0.0.1:${backend.port}`] });
    const proxy = { style: 'get', endpoint: `http://127.0.0.1:${backend.port}`, method: 'status' };
    await t.put('operation', { agency: 'dukcapil', service: 'kependudukan', slug: 'status', kind: 'proxy', params: [{ name: 'nik' }], proxy });
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'status_ringkas', kind: 'proxy', params: [{ name: 'nik' }], proxy,
      shape: { fields: [{ from: 'nik' }, { from: 'status', as: 'keadaan' }] },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'status');
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'status_ringkas');
    server = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: withRequestId((req, env) => t.fetch(req, env)) });
    wsdl = `http://127.0.0.1:${server.port}/soap/dukcapil/kependudukan?wsdl`;
  });
  after(async () => {
    await server?.stop();
    await backend?.stop();
    await t?.close();
  });

  for (const version of ['1.1', '1.2']) {
    test(`PHP SoapClient, SOAP ${version}`, { skip: phpSkip }, async () => {
      const [data, token, generic, typed, wrongKey, missing] = await client('/usr/bin/php', fixture('php-client.php'), { wsdl, version, calls });
      assert.deepEqual(data, { ok: true, result: { row: [person] }, status: 200 });
      assert.deepEqual(token.result, { row: [person] }, 'the key as a UsernameToken');
      // A row without declared columns is the generic Row (xs:any): PHP gives its elements as XML text.
      assert.deepEqual(generic.result, { row: [{ any: '<nik>7</nik><status>hidup</status><wilayah><kota>Bogor</kota></wilayah>' }] });
      assert.deepEqual(typed.result, { row: [{ nik: '7', keadaan: 'hidup' }] });
      const sender = version === '1.1' ? 'Client' : 'Sender';
      assert.equal(wrongKey.ok, false);
      assert.equal(wrongKey.faultcode, `soap:${sender}`);
      assert.equal(wrongKey.faultstring, 'Fungsi operasi tidak terdaftar');
      assert.equal(wrongKey.detail.MantraFault.code, '10002');
      assert.equal(wrongKey.status, version === '1.1' ? 500 : 400);
      assert.equal(missing.faultstring, 'Parameter "nik" wajib diisi');
      assert.equal(missing.detail.MantraFault.code, '10005');
    });

    test(`Python zeep, SOAP ${version}`, { skip: zeepSkip }, async () => {
      const [data, token, generic, typed, wrongKey, missing] = await client('/usr/bin/python3', fixture('zeep-client.py'), { wsdl, version, calls });
      const binding = version === '1.1' ? 'kependudukanSoap11' : 'kependudukanSoap12';
      // zeep unwraps a response element of one child: the rows themselves.
      assert.deepEqual(data, { ok: true, result: [person], binding });
      assert.deepEqual(token.result, [person], 'the key as a UsernameToken');
      assert.deepEqual(generic.result, [{ nik: '7', status: 'hidup', wilayah: { kota: 'Bogor' } }]);
      assert.deepEqual(typed.result, [{ nik: '7', keadaan: 'hidup' }]);
      const sender = version === '1.1' ? 'Client' : 'Sender';
      assert.deepEqual(wrongKey.detail && { ok: wrongKey.ok, code: wrongKey.code, message: wrongKey.message, mantra: wrongKey.detail.code },
        { ok: false, code: `soap:${sender}`, message: 'Fungsi operasi tidak terdaftar', mantra: '10002' });
      assert.equal(missing.message, 'Parameter "nik" wajib diisi');
      assert.equal(missing.detail.code, '10005');
    });
  }

  test('every client call left a track of interface soap', async () => {
    await t.tracker.flush();
    const tracks = (await t.store.tracks({ limit: 10_000 })).filter((r) => r.interface === 'soap');
    const ran = [phpSkip, zeepSkip].filter((s) => s === undefined).length * 2 * calls.length;
    assert.equal(tracks.length, ran);
    assert.equal(tracks.filter((r) => r.code === 10002).length, ran / calls.length);
  });
});
