/**
 * A composite is published like any other operation: the compatible paths in all their formats (MANTRA's envelope,
 * its data the merged answer, the steps in X-Mantra-Steps), REST v1 in every format (the steps in meta.steps too),
 * SOAP 1.1 and 1.2 (a generic row in the WSDL), the catalogue and its OpenAPI document. PHP's own unserialize(),
 * eval() and json_decode() judge the PHP formats.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { inCI, needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { type Backends, KEY, setupComposites, startBackends } from '../support/composites.ts';
import { CONTENT_TYPE, envelope, readAnswer, type Version } from '../support/soap.ts';

const skip = await needService('PostgreSQL', pgUrl);
const phpMissing = !fs.existsSync('/usr/bin/php');
if (phpMissing && inCI) throw new Error('php-cli is required under CI');
if (phpMissing) console.warn('\n*** SKIPPED: php-cli not installed ***\n');

const answer = { nik: '3201000000000042', nama: 'Penduduk 42', wilayah: 'Wilayah 3201042', nikDicari: '3201000000000042' };
const STEPS = /^penduduk=ok;start=[\d.]+;ms=[\d.]+, wilayah=ok;start=[\d.]+;ms=[\d.]+$/;

/** PHP reads the three answers and says whether they hold the same value at `path` (keys joined by "."). */
function samePhp(answers: { json: string; serialized: string; php: string }, path: string): string {
  const script = `$in = json_decode(stream_get_contents(STDIN), true);
    $at = function ($v) use ($in) { foreach (explode('.', $in['path']) as $k) $v = $v[$k]; return $v; };
    $j = $at(json_decode($in['json'], true)); $s = $at(unserialize($in['serialized'])); $p = $at(eval('return ' . $in['php'] . ';'));
    echo ($j === $s && $s === $p) ? json_encode($j) : 'different: ' . json_encode([$j, $s, $p]);`;
  const r = spawnSync('php', ['-r', script], { input: JSON.stringify({ ...answers, path }), encoding: 'utf8' });
  return r.stdout + r.stderr;
}

describe('composite operations on every interface and format', { skip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>, b: Backends;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await t.fetch(new Request(`http://mantra.test${path}`, { headers: { AccessKey: KEY, ...headers } }));
    return { res, text: await res.text() };
  };
  const soap = async (version: Version, operation: string, params: Record<string, string>) => {
    const res = await t.fetch(new Request('http://mantra.test/soap/dukcapil/kependudukan', {
      method: 'POST', headers: { AccessKey: KEY, 'content-type': CONTENT_TYPE[version] },
      body: envelope(version, 'urn:mantra:dukcapil:kependudukan', operation, params),
    }));
    return { res, text: await res.text() };
  };

  before(async () => {
    t = await testApp({ workers: 0 });
    b = await startBackends();
    await setupComposites(t, await loadPendudukPg(), b);
  });
  after(async () => {
    await b?.stop();
    await t?.close();
  });

  test('compatible paths: the envelope holds the merged answer in every format, the steps ride in X-Mantra-Steps', async () => {
    const base = '/{f}/dukcapil/kependudukan/profil/nik=3201000000000042';
    const at = (f: string) => get(base.replace('{f}', f));
    const json = await at('json');
    assert.equal(json.res.status, 200);
    assert.equal(json.res.headers.get('content-type'), 'text/plain;charset=UTF-8');
    assert.match(json.res.headers.get('x-mantra-steps')!, STEPS);
    assert.deepEqual(JSON.parse(json.text), { response: { status: 1, code: 200, message: 'OK', data: answer } });
    assert.ok(json.text.startsWith('{\n    "response": {\n        "status": 1,'), "PHP's pretty JSON");
    const xml = await at('xml');
    assert.ok(xml.text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<response>\n  <status>1</status>\n  <code>200</code>\n  <message>OK</message>\n  <data>\n    <nik>3201000000000042</nik>\n    <nama>Penduduk 42</nama>'), xml.text);
    assert.match(xml.res.headers.get('x-mantra-steps')!, STEPS);
    const csv = await at('csv');
    const [head, row] = csv.text.split('\r\n');
    assert.equal(head, 'status,code,message,data');
    assert.deepEqual(JSON.parse(row.slice('1,200,OK,'.length).replace(/^"|"$/g, '').replace(/""/g, '"')), answer);
    const [api, serialized, php] = await Promise.all(['api', 'serialize', 'php'].map(async (f) => (await at(f)).text));
    assert.equal(api, serialized, 'api is PHP serialize()');
    if (!phpMissing) assert.equal(samePhp({ json: json.text, serialized, php }, 'response.data'), JSON.stringify(answer));
  });

  test('compatible paths: a failed call is the envelope with the step\'s code and a message naming it', async () => {
    const { res, text } = await get('/json/dukcapil/kependudukan/gagal');
    assert.equal(res.status, 200);
    const { response } = JSON.parse(text);
    assert.deepEqual(response, { status: 0, code: 10020, message: 'Langkah "mati" gagal: Sumber data tidak dapat dihubungi', data: '' });
    const partial = await get('/json/dukcapil/kependudukan/sebagian');
    assert.equal(JSON.parse(partial.text).response.status, 1);
    assert.match(partial.res.headers.get('x-mantra-steps')!, /mati=omitted;start=[\d.]+;ms=[\d.]+;code=10020/);
  });

  test('REST v1: data is the merged answer and meta.steps the reports, in json, xml, csv, php and serialize', async () => {
    const at = (f: string) => get(`/v1/dukcapil/kependudukan/profil.${f}?nik=3201000000000042`);
    const json = await at('json');
    const body = JSON.parse(json.text);
    assert.deepEqual(body.data, answer);
    assert.deepEqual(Object.keys(body.meta.steps), ['penduduk', 'wilayah']);
    assert.equal(body.meta.complete, true);
    assert.match(json.res.headers.get('x-mantra-steps')!, STEPS);
    const xml = await at('xml');
    assert.equal(xml.res.headers.get('content-type'), 'application/xml; charset=utf-8');
    assert.match(xml.text, /<data>\n {4}<nik>3201000000000042<\/nik>\n {4}<nama>Penduduk 42<\/nama>\n {4}<wilayah>Wilayah 3201042<\/wilayah>/);
    assert.match(xml.text, /<meta>\n {4}<steps>\n {6}<penduduk>\n {8}<status>ok<\/status>/);
    const csv = await at('csv');
    assert.equal(csv.text.split('\r\n')[0], 'data,meta');
    const [serialized, php] = await Promise.all(['serialize', 'php'].map(async (f) => (await at(f)).text));
    if (!phpMissing) {
      assert.equal(samePhp({ json: json.text, serialized, php }, 'data'), JSON.stringify(answer));
      assert.equal(samePhp({ json: json.text, serialized, php }, 'meta.steps.wilayah.status'), '"ok"');
    }
  });

  for (const version of ['1.1', '1.2'] as const) {
    test(`SOAP ${version}: one row of the merged answer, the steps in X-Mantra-Steps; a failed step is a fault naming it`, async () => {
      const ok = await soap(version, 'profil', { nik: '3201000000000042' });
      assert.equal(ok.res.status, 200, ok.text);
      assert.equal(ok.res.headers.get('content-type'), CONTENT_TYPE[version]);
      assert.ok(ok.text.includes('<m:profilResponse xmlns:m="urn:mantra:dukcapil:kependudukan"><row><nik>3201000000000042</nik><nama>Penduduk 42</nama><wilayah>Wilayah 3201042</wilayah>'), ok.text);
      assert.match(ok.res.headers.get('x-mantra-steps')!, STEPS);
      const nested = await soap(version, 'tiga_lambat', {});
      assert.ok(nested.text.includes('<row><a><tag>a</tag><ms>200</ms></a><b>'), nested.text);
      const failed = await soap(version, 'gagal', {});
      const fault = readAnswer(failed.text);
      assert.deepEqual([failed.res.status, fault.fault, fault.code, fault.faultCode, fault.message], [500, true, 10020, version === '1.1' ? 'Server' : 'Receiver', 'Langkah "mati" gagal: Sumber data tidak dapat dihubungi']);
    });
  }

  test('the WSDL gives a composite a generic row; the catalogue and its OpenAPI document describe it', async () => {
    const wsdl = (await get('/soap/dukcapil/kependudukan?wsdl')).text;
    assert.match(wsdl, /<xs:element name="profilResponse">\s*<xs:complexType>\s*<xs:sequence>\s*<xs:element name="row" type="tns:Row"/);
    const list = JSON.parse((await get('/catalogue')).text);
    const profil = list.find((o: { operation: string }) => o.operation === 'profil');
    assert.deepEqual([profil.kind, profil.params.map((p: { name: string }) => p.name), profil.paths.v1], ['composite', ['nik'], '/v1/dukcapil/kependudukan/profil']);
    const doc = JSON.parse((await get('/catalogue/dukcapil/kependudukan/openapi.json')).text);
    const schema = (op: string) => doc.paths[`/v1/dukcapil/kependudukan/${op}`].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(schema('tiga_lambat').properties.data.properties), ['a', 'b', 'c']);
    assert.deepEqual(schema('profil').properties.data, {}, 'shaped by an expression: any value');
    assert.deepEqual(Object.keys(schema('profil').properties.meta.properties.steps.properties), ['penduduk', 'wilayah']);
    assert.deepEqual(doc.paths['/v1/dukcapil/kependudukan/profil'].get.parameters.map((p: { name: string }) => p.name), ['nik'], 'no paging for a composite');
  });
});
