/** How replies are read: JSON, XML and PHP serialize detected, MANTRA envelopes unwrapped (federation). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyInvoker } from '../../../connectors/proxy/index.ts';
import { text, withBackend } from './backend.ts';
import { php, phpSkip } from './php.ts';

const call = async (body: string, type = 'text/plain;charset=UTF-8', spec: Record<string, unknown> = {}) => {
  let result: unknown;
  await withBackend(() => text(body, 200, type), async (b) => {
    result = await createProxyInvoker({ style: 'rest', endpoint: b.url, method: 'op', ...spec }).invoke({});
  });
  return result as { data: unknown; source: string; status: number };
};
const failure = async (body: string, type = 'text/plain;charset=UTF-8', status = 200) => {
  let error: unknown;
  await withBackend(() => text(body, status, type), async (b) => {
    error = await createProxyInvoker({ style: 'rest', endpoint: b.url, method: 'op' }).invoke({}).then(() => undefined, (e) => e);
  });
  return error as { code: number; kind: string; message: string; passthrough: boolean };
};

// Answers of the original MANTRA 1.99y, byte for byte (compat/golden).
const jsonFound = `{
    "response": {
        "status": 1,
        "code": 200,
        "message": "OK",
        "data": {
            "penduduk_by_nik": {
                "0": {
                    "nik": "3201000000000042",
                    "nama": "Penduduk 42",
                    "alamat": "Jl. Merdeka No. 43, RT 13\\/RW 07"
                }
            }
        }
    }
}`;
const apiFound = 'a:1:{s:8:"response";a:4:{s:6:"status";i:1;s:4:"code";i:200;s:7:"message";s:2:"OK";s:4:"data";a:1:{s:15:"penduduk_by_nik";a:1:{i:0;a:3:{s:3:"nik";s:16:"3201000000000042";s:4:"nama";s:11:"Penduduk 42";s:6:"alamat";s:31:"Jl. Merdeka No. 43, RT 13/RW 07";}}}}}';
const xmlList = `<?xml version="1.0" encoding="utf-8"?>
<response>
  <status>1</status>
  <code>200</code>
  <message>OK</message>
  <data>
    <penduduk_list>
      <nik>3201000000000001</nik>
      <nama>Penduduk 1</nama>
    </penduduk_list>
    <penduduk_list>
      <nik>3201000000000002</nik>
      <nama>Penduduk 2</nama>
    </penduduk_list>
  </data>
</response>`;
const notFoundMessage = 'Hasil operasi data "dukcapil:kependudukan.penduduk_by_nik" tidak ada (kosong)';
const jsonNotFound = `{
    "response": {
        "status": 0,
        "code": 10012,
        "message": "Hasil operasi data \\"dukcapil:kependudukan.penduduk_by_nik\\" tidak ada (kosong)",
        "data": ""
    }
}`;
const xmlNotFound = `<?xml version="1.0" encoding="utf-8"?>
<response>
  <status>0</status>
  <code>10012</code>
  <message>Hasil operasi data "dukcapil:kependudukan.penduduk_by_nik" tidak ada (kosong)</message>
  <data></data>
</response>`;
const apiWrongKey = 'a:1:{s:8:"response";a:4:{s:6:"status";i:0;s:4:"code";i:10002;s:7:"message";s:30:"Fungsi operasi tidak terdaftar";s:4:"data";s:0:"";}}';

test('envelope status 1 in JSON (text/plain, as MANTRA answers): rows keyed "0","1",… become a list, as json_decode reads them', async () => {
  const r = await call(jsonFound);
  assert.equal(r.source, 'backend');
  assert.equal(r.status, 200);
  assert.deepEqual(r.data, {
    penduduk_by_nik: [{ nik: '3201000000000042', nama: 'Penduduk 42', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07' }],
  });
});

test('envelope status 1 in PHP serialize: integer-keyed rows become a list', async () => {
  const r = await call(apiFound);
  assert.deepEqual(r.data, {
    penduduk_by_nik: [{ nik: '3201000000000042', nama: 'Penduduk 42', alamat: 'Jl. Merdeka No. 43, RT 13/RW 07' }],
  });
});

test('envelope status 1 in XML: repeated rows become a list, values text', async () => {
  const r = await call(xmlList);
  assert.deepEqual(r.data, {
    penduduk_list: [{ nik: '3201000000000001', nama: 'Penduduk 1' }, { nik: '3201000000000002', nama: 'Penduduk 2' }],
  });
});

test('envelope status 0 passes the inner code and message unchanged, in all three encodings', async () => {
  for (const body of [jsonNotFound, xmlNotFound]) {
    const e = await failure(body);
    assert.equal(e.code, 10012);
    assert.equal(e.kind, 'remote');
    assert.equal(e.message, notFoundMessage);
    assert.equal(e.passthrough, true);
  }
  const e = await failure(apiWrongKey);
  assert.deepEqual([e.code, e.message, e.kind], [10002, 'Fungsi operasi tidak terdaftar', 'remote']);
});

test('a MANTRA error envelope behind an HTTP error status is still passed on', async () => {
  const e = await failure(jsonNotFound, 'application/json', 404);
  assert.deepEqual([e.code, e.message], [10012, notFoundMessage]);
});

test('an envelope beside other root keys, or with a strange status, is 10017', async () => {
  const e = await failure('{"response":{"status":1,"data":1},"extra":2}');
  assert.deepEqual([e.code, e.kind], [10017, 'unavailable']);
  assert.equal(e.message, 'Kunci indeks/tag utama data fungsi operasi tidak dikenal');
  assert.equal((await failure('{"response":{"status":"maybe","code":1}}')).code, 10017);
});

test('plain replies: data is the parsed reply (JSON as is, XML as {root: tree}, serialize as PHP arrays)', async () => {
  assert.deepEqual((await call('[1,{"a":null}]', 'application/json')).data, [1, { a: null }]);
  assert.deepEqual((await call('"just text"', 'application/json')).data, 'just text');
  const xml = await call(
    '<?xml version="1.0"?><hasil xmlns:x="urn:x" versi="2"><x:item id="1">satu &amp; dua</x:item><x:item>tiga</x:item><kosong/><campur>a<b>c</b></campur><![CDATA[ ]]></hasil>',
  );
  assert.deepEqual(xml.data, {
    hasil: {
      'x:item': [{ '@value': 'satu & dua', '@attributes': { id: '1' } }, 'tiga'],
      kosong: '',
      campur: { b: 'c', '@value': 'a' },
      '@attributes': { versi: '2' },
    },
  });
  assert.deepEqual((await call('a:2:{i:0;s:1:"a";i:5;d:0.5;}')).data, { 0: 'a', 5: 0.5 });
  assert.deepEqual((await call('b:1;')).data, true);
  assert.deepEqual((await call('', 'text/plain')).data, '');
});

test('MANTRA styles take valid_response / invalid_response / error_response, as the original did', async () => {
  assert.deepEqual((await call('{"valid_response":{"nama":"A"}}')).data, { nama: 'A' });
  assert.deepEqual((await call('{"invalid_response":{"pesan":"x"},"other":1}')).data, { pesan: 'x' });
  const plainHttp = await call('{"valid_response":{"nama":"A"}}', 'application/json', { style: 'http' });
  assert.deepEqual(plainHttp.data, { valid_response: { nama: 'A' } });
});

test('a reply that is none of the three is unavailable; replyFormat text takes it as it is', async () => {
  const e = await failure('<html', 'text/html');
  assert.equal(e.code, 10018);
  const g = await failure('Internal error: please retry', 'text/plain');
  assert.deepEqual([g.code, g.kind], [10020, 'unavailable']);
  assert.match(g.message, /neither JSON, XML nor PHP serialize/);
  assert.equal((await failure('{"a":', 'application/json')).kind, 'unavailable');
  assert.equal((await call('OK', 'text/plain', { replyFormat: 'text' })).data, 'OK');
});

test('XML with a DOCTYPE (billion laughs) is refused at once, never expanded: 10018', async () => {
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>`;
  const started = Date.now();
  const e = await failure(laughs, 'application/xml');
  assert.equal(e.code, 10018);
  assert.match(e.message, /document type declaration/);
  assert.ok(Date.now() - started < 1000);
  const external = await failure('<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x>&xxe;</x>', 'text/xml');
  assert.equal(external.code, 10018);
});

test('too deeply nested replies are refused, in every encoding', async () => {
  assert.equal((await failure('<a>'.repeat(100) + '</a>'.repeat(100))).code, 10018);
  assert.equal((await failure('['.repeat(100) + ']'.repeat(100), 'application/json')).kind, 'unavailable');
  assert.equal((await failure('a:1:{i:0;'.repeat(100) + 'N;' + '}'.repeat(100))).kind, 'unavailable');
});

test('PHP objects and references in serialize replies are refused', async () => {
  const e = await failure('O:8:"stdClass":1:{s:1:"a";i:1;}');
  assert.deepEqual([e.code, e.kind], [10020, 'unavailable']);
  assert.match(e.message, /objects and references are refused/);
  assert.equal((await failure('a:2:{i:0;s:1:"a";i:1;r:2;}')).kind, 'unavailable');
});

test("PHP's own serialize() output reads back as the same values", { skip: phpSkip() }, async () => {
  const code = 'echo serialize(["response" => ["status" => 1, "code" => 200, "message" => "OK", "data" => ' +
    '["x" => [["teks" => "é ü \\"q\\";", "angka" => 42, "pecahan" => 1.5, "kosong" => null, "benar" => true, 7 => "tujuh"]]]]]);';
  const body = php(code, '');
  const r = await call(body);
  assert.deepEqual(r.data, { x: [{ teks: 'é ü "q";', angka: 42, pecahan: 1.5, kosong: null, benar: true, 7: 'tujuh' }] });
});

test('a Latin-1 XML reply is read in its declared encoding', async () => {
  let result: unknown;
  const bytes = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><n>Jos'), 0xe9, ...new TextEncoder().encode('</n>')]);
  await withBackend(() => new Response(bytes, { headers: { 'content-type': 'text/xml' } }), async (b) => {
    result = (await createProxyInvoker({ style: 'get', endpoint: b.url }).invoke({})).data;
  });
  assert.deepEqual(result, { n: 'José' });
});

test('JSON reply with a Content-Type charset and leading BOM/whitespace', async () => {
  assert.deepEqual((await call('\uFEFF \n{"a":"b"}', 'application/json; charset=utf-8')).data, { a: 'b' });
  assert.deepEqual((await call('\n <x>1</x>')).data, { x: '1' });
});
