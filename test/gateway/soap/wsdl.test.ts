/**
 * The generated WSDL: xmllint validates it against the WSDL 1.1 and SOAP binding schemas (Debian's
 * python3-xmlschema ships them), compiles its XML Schema, and validates real answers and faults (whole SOAP 1.1
 * envelopes) and requests as clients write them against it; typed parameters and output columns are in it,
 * restricted and disabled operations are not; its addresses follow publicBaseUrl; the catalogue links it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needService, pgUrl } from '../../support/services.ts';
import { needTool, runs } from '../../support/tools.ts';
import { loadPendudukPg } from '../../support/penduduk.ts';
import { testApp } from '../../support/app.ts';
import { BY_NIK, setupDukcapil } from '../../support/dukcapil.ts';
import { CONTENT_TYPE, ENV_NS } from '../../support/soap.ts';
import { xsdPattern } from '../../../src/gateway/soap/xsd.ts';
import { Settings } from '../../../src/model/settings.ts';

const WSDL_SCHEMAS = '/usr/lib/python3/dist-packages/xmlschema/schemas/WSDL';
const pgSkip = await needService('PostgreSQL', pgUrl);
const lintSkip = needTool('xmllint (libxml2-utils)', () => runs('/usr/bin/xmllint', ['--version']));
const schemaSkip = needTool('the WSDL 1.1 schemas of python3-xmlschema', () => fs.existsSync(`${WSDL_SCHEMAS}/wsdl.xsd`));
const NS = 'urn:mantra:dukcapil:kependudukan';
const KEY = 'wsdlkey0001';

test('JS patterns become XML Schema patterns only where both read them alike', () => {
  assert.equal(xsdPattern('\\d{16}'), '\\d{16}');
  assert.equal(xsdPattern('[A-Z]{2}-[0-9]+|x\\/y\\$'), '[A-Z]{2}-[0-9]+|x/y$');
  assert.equal(xsdPattern('[^a-z]?(ab)*'), '[^a-z]?(ab)*');
  for (const js of ['^\\d+$', '(?:a|b)', 'a*?', '\\w+', '\\bx', '(a)\\1', '[a-z-[aeiou]]', 'a{', 'x{2}?', '[ab']) {
    assert.equal(xsdPattern(js), undefined, js);
  }
});

test('publicBaseUrl is an http(s) URL or absent', () => {
  assert.equal(Settings.parse({ publicBaseUrl: 'https://gsb.example.go.id/mantra' }).publicBaseUrl, 'https://gsb.example.go.id/mantra');
  assert.equal(Settings.parse({}).publicBaseUrl, undefined);
  for (const bad of ['ftp://gsb.example.go.id', 'gsb.example.go.id', 'javascript:alert(1)']) assert.throws(() => Settings.parse({ publicBaseUrl: bad }), bad);
});

describe('the WSDL', { skip: pgSkip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let dir = '';
  const get = (p: string, headers: Record<string, string> = {}) => t.fetch(new Request(`http://mantra.test${p}`, { headers }), {});
  const lint = (...args: string[]) => spawnSync('/usr/bin/xmllint', ['--noout', ...args], { encoding: 'utf8' });
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const importing = (imports: Record<string, string>) =>
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">${Object.entries(imports).map(([ns, file]) =>
      `<xs:import namespace="${ns}" schemaLocation="${file}"/>`).join('')}</xs:schema>`;
  async function wsdl(): Promise<string> {
    const res = await get('/soap/dukcapil/kependudukan?wsdl');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/xml; charset=utf-8');
    return res.text();
  }
  /** The WSDL's embedded schema as a document of its own. */
  const schemaOf = (doc: string) => doc.match(/<xs:schema[\s\S]*<\/xs:schema>/)![0]
    .replace('<xs:schema ', `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${NS}" `);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-wsdl-'));
    t = await testApp({ workers: 0 });
    await setupDukcapil(t, await loadPendudukPg());
    const op = (slug: string, extra: Record<string, unknown>) =>
      t.put('operation', { agency: 'dukcapil', service: 'kependudukan', slug, kind: 'data', ...extra }).then(() => t.subscribe(KEY, 'dukcapil', 'kependudukan', slug));
    await op('dengan_null', {
      description: 'NIK dan satu kolom kosong',
      params: [{ name: 'nik', pattern: '\\d{16}', description: 'NIK 16 angka' }, { name: 'batas', type: 'integer', min: 1, max: 50, required: false }],
      data: { form: 'sql', connector: 'pg', sql: 'select nik, null::text as kosong from penduduk where nik = :nik' },
      shape: { fields: [{ from: 'nik' }, { from: 'kosong' }] },
    });
    await op('semua_kolom', { params: [{ name: 'tgl', type: 'date' }, { name: 'aktif', type: 'boolean', required: false }], data: { form: 'sql', connector: 'pg', sql: 'select 1 as satu' } });
    await op('tersembunyi', { restricted: true, data: { form: 'sql', connector: 'pg', sql: 'select 1 as satu' } });
    await op('mati', { enabled: false, data: { form: 'sql', connector: 'pg', sql: 'select 1 as satu' } });
  });
  after(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('one WSDL operation per published operation, both bindings, typed parameters and columns', async () => {
    const doc = await wsdl();
    const ops = [...doc.matchAll(/<wsdl:portType[\s\S]*?<\/wsdl:portType>/g)][0][0].match(/<wsdl:operation name="(\w+)"/g)!.map((m) => m.slice(22, -1));
    assert.deepEqual(ops.sort(), ['dengan_null', 'penduduk_by_nik', 'penduduk_list', 'semua_kolom']);
    assert.match(doc, /<soap:binding style="document" transport="http:\/\/schemas.xmlsoap.org\/soap\/http"\/>/);
    assert.match(doc, /<soap12:binding style="document"/);
    assert.match(doc, /<soap:operation soapAction="urn:mantra:dukcapil:kependudukan#penduduk_by_nik" style="document"\/>/);
    assert.match(doc, /<xs:element name="nik" minOccurs="1">\s*<xs:annotation>\s*<xs:documentation>NIK 16 angka<\/xs:documentation>/);
    assert.match(doc, /<xs:pattern value="\\d\{16\}"\/>/);
    assert.match(doc, /<xs:element name="batas" minOccurs="0">[\s\S]*?<xs:restriction base="xs:long">\s*<xs:minInclusive value="1"\/>\s*<xs:maxInclusive value="50"\/>/);
    assert.match(doc, /<xs:element name="tgl" minOccurs="1">[\s\S]*?base="xs:date"/);
    assert.match(doc, /<xs:element name="aktif" minOccurs="0">[\s\S]*?base="xs:boolean"/);
    assert.match(doc, /<xs:complexType name="dengan_nullRow">\s*<xs:sequence>\s*<xs:element name="nik" type="xs:string" minOccurs="0" nillable="true"\/>\s*<xs:element name="kosong"/);
    // An SQL statement's columns are known only when it runs: the generic row.
    assert.match(doc, /<xs:element name="semua_kolomResponse">[\s\S]*?type="tns:Row"/);
    assert.match(doc, /<soap:address location="http:\/\/mantra.test\/soap\/dukcapil\/kependudukan"\/>/);
  });

  test('xmllint: the WSDL validates against the WSDL 1.1 and SOAP binding schemas, its XML Schema compiles', { skip: lintSkip ?? schemaSkip }, async () => {
    const doc = await wsdl();
    const wsdlFile = write('service.wsdl', doc);
    const both = write('wsdl-soap.xsd', importing({ 'http://schemas.xmlsoap.org/wsdl/': `${WSDL_SCHEMAS}/wsdl.xsd`, 'http://schemas.xmlsoap.org/wsdl/soap/': `${WSDL_SCHEMAS}/wsdl-soap.xsd` }));
    const r = lint('--schema', both, wsdlFile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /validates/);
  });

  test('xmllint: answers, faults and requests as clients write them validate against the WSDL\'s schema', { skip: lintSkip ?? schemaSkip }, async () => {
    const schema = write('service.xsd', schemaOf(await wsdl()));
    const envelopes = write('envelopes.xsd', importing({ [ENV_NS['1.1']]: `${WSDL_SCHEMAS}/soap-envelope.xsd`, [NS]: schema }));
    const call = async (operation: string, fields: string, key = KEY) => {
      const body = `<s:Envelope xmlns:s="${ENV_NS['1.1']}"><s:Body><m:${operation} xmlns:m="${NS}">${fields}</m:${operation}></s:Body></s:Envelope>`;
      const res = await t.fetch(new Request('http://mantra.test/soap/dukcapil/kependudukan', {
        method: 'POST', headers: { 'Content-Type': CONTENT_TYPE['1.1'], AccessKey: key }, body,
      }), {});
      return res.text();
    };
    const answers = {
      'rows with a null column': await call('dengan_null', '<nik>3201000000000042</nik>'),
      'the by-NIK rows': await call('penduduk_by_nik', '<nik>3201000000000042</nik>', BY_NIK),
      'generic rows': await call('semua_kolom', '<tgl>2020-01-31</tgl>'),
      'an empty answer': await call('dengan_null', '<nik>3201999999999999</nik>'),
      'a fault': await call('dengan_null', '<nik>3201000000000042</nik>', 'wrongkey00'),
    };
    assert.match(answers['rows with a null column'], /<kosong xsi:nil="true"\/>/);
    assert.match(answers['a fault'], /<faultcode>soap:Client<\/faultcode>/);
    for (const [what, text] of Object.entries(answers)) {
      const r = lint('--schema', envelopes, write('answer.xml', text));
      assert.equal(r.status, 0, `${what}: ${r.stderr}\n${text}`);
    }
    // Requests as PHP and zeep write them (unqualified parameters); a mistyped one is refused by the schema too.
    const request = (fields: string) => write('request.xml', `<m:dengan_null xmlns:m="${NS}">${fields}</m:dengan_null>`);
    assert.equal(lint('--schema', schema, request('<nik>3201000000000042</nik><batas>3</batas>')).status, 0);
    assert.notEqual(lint('--schema', schema, request('<nik>3201000000000042</nik><batas>tiga</batas>')).status, 0);
    assert.notEqual(lint('--schema', schema, request('<nik>32010</nik>')).status, 0, 'the NIK pattern');
  });

  test('the addresses follow publicBaseUrl; an address without operations is 404', async () => {
    await t.put('settings', { publicBaseUrl: 'https://gsb.example.go.id/mantra/' });
    try {
      const doc = await wsdl();
      assert.match(doc, /<soap:address location="https:\/\/gsb.example.go.id\/mantra\/soap\/dukcapil\/kependudukan"\/>/);
      assert.match(doc, /<soap12:address location="https:\/\/gsb.example.go.id\/mantra\/soap\/dukcapil\/kependudukan"\/>/);
    } finally {
      await t.put('settings', {});
    }
    const missing = await get('/soap/dukcapil/tidak_ada?wsdl');
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<code>10002<\/code>/);
  });

  test('the catalogue links each operation\'s SOAP endpoint and WSDL', async () => {
    const list = await (await get('/catalogue')).json();
    const entry = list.find((e: any) => e.operation === 'penduduk_by_nik');
    assert.equal(entry.paths.soap, '/soap/dukcapil/kependudukan');
    assert.equal(entry.paths.wsdl, '/soap/dukcapil/kependudukan?wsdl');
    const wsdlRes = await get(entry.paths.wsdl);
    assert.equal(wsdlRes.status, 200);
  });
});
