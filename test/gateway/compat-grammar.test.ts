/**
 * The original's request grammar, one row per rule, each naming the code of MANTRA 1.99y that decides it
 * (repository THC99/mantra). Every row runs against a data operation over the real PostgreSQL and through a
 * proxy operation of a hub whose backend is a second running Mantra (its json and api paths in turn); the answer
 * must be the original's bytes (the golden files). Not its xml path: the original reads an XML reply with XML2Array
 * (every value a string, one row not a list), so a hub over XML answers other bytes than the node itself. Where Mantra differs on purpose the row says so, and
 * test/fixtures/compat/README.md lists it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, golden, LIST, setupDukcapil } from '../support/dukcapil.ts';
import { runtime, type Server } from '../../src/runtime/index.ts';

const BACKENDS = ['json', 'api'];
const FOUND = '3201000000000042', MISSING = '3201999999999999';
const op = '/dukcapil/kependudukan';

/** What the original answers: a golden body stem without its format prefix. */
type Answer = 'by_nik_pg_found' | 'by_nik_pg_notfound' | 'list_pg' | 'unknown_operation' | 'empty_accesskey' | 'missing_params';

interface Row {
  rule: string;
  /** The code of the original that decides the row. */
  decidedBy: string;
  path: string;
  method?: 'POST';
  body?: string;
  key?: string | null;
  /** The answer of a data operation, and of a proxy operation when it differs. */
  data: Answer;
  proxy?: Answer;
  /** Mantra differs from the original on purpose (listed in test/fixtures/compat/README.md). */
  differs?: string;
}

const rows: Row[] = [
  { rule: 'a trailing slash after the parameters is dropped', decidedBy: 'api.php: $requri.=substr($requri,-1)=="/"?"":"/"; explode("/")',
    path: `${op}/penduduk_by_nik/nik=${FOUND}/`, data: 'by_nik_pg_found' },
  { rule: 'a trailing slash after the operation means no parameters', decidedBy: 'api.php: explode("/") then array_pad(…, 4, "")',
    path: `${op}/penduduk_list/`, data: 'list_pg' },
  { rule: 'segments after the parameters are ignored', decidedBy: 'api.php: array_slice($vapi,0,count($pathnames))',
    path: `${op}/penduduk_by_nik/nik=${FOUND}/extra/more`, data: 'by_nik_pg_found' },
  { rule: 'a doubled slash shifts the segments: no such operation', decidedBy: 'api.php: explode("/") keeps empty segments; getOrderResourceByScope',
    path: `/dukcapil//kependudukan/penduduk_by_nik/nik=${FOUND}`, data: 'unknown_operation' },
  { rule: 'no operation segment: no such operation', decidedBy: 'api.php: array_pad; getOrderResourceByScope(…, "")',
    path: op, data: 'unknown_operation' },
  { rule: 'an empty operation segment: no such operation', decidedBy: 'api.php: array_pad; getOrderResourceByScope(…, "")',
    path: `${op}/`, data: 'unknown_operation' },
  { rule: 'only the agency: no such operation', decidedBy: 'api.php: array_pad; getOrderResourceByScope',
    path: '/dukcapil', data: 'unknown_operation' },
  { rule: 'a repeated name: the last value wins', decidedBy: 'parse_str($qapi["reqpar"])',
    path: `${op}/penduduk_by_nik/nik=${MISSING}&nik=${FOUND}`, data: 'by_nik_pg_found' },
  { rule: 'an unknown name beside a known one is ignored', decidedBy: 'api.php: foreach($reqpar) binds only the condition names; proxy: only $src["request"] names are sent',
    path: `${op}/penduduk_by_nik/nik=${FOUND}&foo=bar`, data: 'by_nik_pg_found' },
  { rule: 'an unknown name before a known one is ignored', decidedBy: 'api.php: foreach($reqpar) binds only the condition names',
    path: `${op}/penduduk_by_nik/asal=jakarta&nik=${FOUND}`, data: 'by_nik_pg_found' },
  { rule: 'names of a data operation match in any case; a proxy\'s do not', decidedBy: 'api.php: strtolower($key)==strtolower($var_name); proxy: isset($reqpar[$key])',
    path: `${op}/penduduk_by_nik/NIK=${FOUND}`, data: 'by_nik_pg_found', proxy: 'missing_params' },
  { rule: 'only unknown names: all parameters must be given', decidedBy: 'api.php: !empty($reqpar) && empty($bindval) → 10005',
    path: `${op}/penduduk_by_nik/nama=Penduduk%2042`, data: 'missing_params' },
  { rule: 'an empty value is not given', decidedBy: 'api.php: $valpar!="" before binding; proxy: empty($data) → $paramTrue=false',
    path: `${op}/penduduk_by_nik/nik=`, data: 'missing_params' },
  { rule: 'a name without "=" is an empty value', decidedBy: 'parse_str("nik") gives nik=""',
    path: `${op}/penduduk_by_nik/nik`, data: 'missing_params' },
  { rule: 'a parameter for an operation without conditions', decidedBy: 'api.php: $bindval=false without WHERE → 10005; proxy without request names sends nothing',
    path: `${op}/penduduk_list/nik=${FOUND}`, data: 'missing_params', proxy: 'list_pg' },
  { rule: 'no parameter at all for a required one', decidedBy: 'api.php: SQL with an unbound "?" → driver error (code -1, SQL in the message)',
    path: `${op}/penduduk_by_nik`, data: 'missing_params', differs: 'the original leaks the SQL in a driver error; Mantra answers 10005' },
  { rule: 'percent-escapes in a value are decoded', decidedBy: 'parse_str',
    path: `${op}/penduduk_by_nik/nik=320100000000004%32`, data: 'by_nik_pg_found' },
  { rule: 'values are decoded a second time', decidedBy: 'api.php: $reqpar[$keyname]=urldecode($datavalue) after parse_str',
    path: `${op}/penduduk_by_nik/nik=32010000000000%2534%2532`, data: 'by_nik_pg_found' },
  { rule: '"+" is a space', decidedBy: 'parse_str, then urldecode',
    path: `${op}/penduduk_by_nik/nik=+${FOUND}`, data: 'by_nik_pg_notfound' },
  { rule: 'an encoded "/" stays in the value', decidedBy: 'api.php: explode("/") on the raw REQUEST_URI, then parse_str',
    path: `${op}/penduduk_by_nik/nik=${FOUND}%2Fx`, data: 'by_nik_pg_notfound' },
  { rule: 'an encoded "=" belongs to the name', decidedBy: 'parse_str("nik%3D…") gives the name "nik=…" with an empty value',
    path: `${op}/penduduk_by_nik/nik%3D${FOUND}`, data: 'missing_params' },
  { rule: 'empty pairs are skipped', decidedBy: 'parse_str',
    path: `${op}/penduduk_by_nik/&nik=${FOUND}&&`, data: 'by_nik_pg_found' },
  { rule: 'a POST form without a path segment gives the parameters', decidedBy: 'api.php: if($qapi["reqpar"]=="") $reqpar=$_POST',
    path: `${op}/penduduk_by_nik`, method: 'POST', body: `nik=${FOUND}`, data: 'by_nik_pg_found' },
  { rule: 'POST values are decoded a second time too', decidedBy: 'api.php: urldecode() over $_POST values',
    path: `${op}/penduduk_by_nik`, method: 'POST', body: 'nik=32010000000000%2534%2532', data: 'by_nik_pg_found' },
  { rule: 'the path segment wins over the POST form', decidedBy: 'api.php: $_POST is read only when the segment is empty',
    path: `${op}/penduduk_by_nik/nik=${FOUND}`, method: 'POST', body: `nik=${MISSING}`, data: 'by_nik_pg_found' },
  { rule: 'a POST form with only unknown names', decidedBy: 'api.php: !empty($reqpar) && empty($bindval) → 10005',
    path: `${op}/penduduk_by_nik`, method: 'POST', body: 'foo=bar', data: 'missing_params' },
  { rule: 'an empty POST form to an operation without conditions', decidedBy: 'api.php: empty($_POST) leaves $reqpar empty',
    path: `${op}/penduduk_list`, method: 'POST', body: '', data: 'list_pg' },
  { rule: 'a query string', decidedBy: 'api.php: REQUEST_URI keeps "?…", so the operation is "penduduk_by_nik?nik=…" → 10002',
    path: `${op}/penduduk_by_nik?nik=${FOUND}`, data: 'by_nik_pg_found', differs: 'Mantra accepts parameters in the query string' },
  { rule: 'no AccessKey header', decidedBy: 'api.php: if(!isset($_SERVER["HTTP_ACCESSKEY"])) exit(0)',
    path: `${op}/penduduk_by_nik/nik=${FOUND}`, key: null, data: 'empty_accesskey', differs: 'the original answers an empty body; Mantra answers 10001' },
  { rule: 'an empty AccessKey comes before the route', decidedBy: 'api.php: if(empty($reqtype)) → 10001 before getOrderResourceByScope',
    path: '/dukcapil/nothing/here', key: '', data: 'empty_accesskey' },
];

/** 10005 exists as a golden in json only; the others in json, xml and api. */
const goldenName = (fmt: string, answer: Answer) =>
  answer === 'missing_params' ? (fmt === 'json' ? 'json_by_nik_pg_wrong_param_name' : undefined) : `${fmt}_${answer}`;

const keyFor = (path: string) => (path.includes('penduduk_list') ? LIST : BY_NIK);

function request(fmt: string, row: Row): [string, RequestInit] {
  const headers: Record<string, string> = { 'User-Agent': 'MANTRA' };
  const key = row.key === undefined ? keyFor(row.path) : row.key;
  if (key !== null) headers.AccessKey = key;
  if (row.method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return [`/${fmt}${row.path}`, { method: row.method ?? 'GET', headers, body: row.method === 'POST' ? row.body : undefined }];
}

const skip = await needService('PostgreSQL', pgUrl);

describe('the original\'s request grammar', { skip }, () => {
  let node: Awaited<ReturnType<typeof testApp>>;
  let nodeServer: Server;
  /** Hubs whose proxy operations call the node's json and api paths. */
  const hubs: Record<string, Awaited<ReturnType<typeof testApp>>> = {};

  before(async () => {
    node = await testApp({ workers: 0 });
    await setupDukcapil(node, await loadPendudukPg());
    nodeServer = await runtime.serve({ port: 0, hostname: '127.0.0.1', fetch: (req, info) => node.app.fetch(req, info) });
    const base = `http://127.0.0.1:${nodeServer.port}`;
    for (const backend of BACKENDS) {
      const hub = (hubs[backend] = await testApp({ workers: 0 }));
      await hub.put('settings', { internalBackends: [`127.0.0.1:${nodeServer.port}`] });
      await hub.put('agency', { slug: 'dukcapil', name: 'GSB' });
      await hub.put('service', { agency: 'dukcapil', slug: 'kependudukan' });
      for (const [slug, key, params] of [['penduduk_by_nik', BY_NIK, [{ name: 'nik' }]], ['penduduk_list', LIST, []]] as const) {
        await hub.put('operation', {
          agency: 'dukcapil', service: 'kependudukan', slug, kind: 'proxy', params,
          proxy: { style: 'rest', endpoint: `${base}/${backend}/dukcapil/kependudukan`, method: slug, auth: { type: 'mantra', accessKey: hub.secrets.encrypt(key) } },
        });
        await hub.subscribe(key, 'dukcapil', 'kependudukan', slug);
      }
    }
  });
  after(async () => {
    for (const hub of Object.values(hubs)) await hub.close();
    await nodeServer?.stop();
    await node?.close();
  });

  for (const row of rows) {
    for (const fmt of ['json', 'xml', 'api']) {
      const name = goldenName(fmt, row.data);
      if (name) {
        test(`data, /${fmt}: ${row.rule}`, async () => {
          const res = await node.app.request(...request(fmt, row));
          assert.equal(res.status, 200);
          assert.equal(await res.text(), golden(name), `${row.decidedBy}${row.differs ? ` (differs: ${row.differs})` : ''}`);
        });
      }
      const viaProxy = goldenName(fmt, row.proxy ?? row.data);
      if (!viaProxy) continue;
      for (const backend of BACKENDS) {
        test(`proxy to a Mantra's /${backend}, /${fmt}: ${row.rule}`, async () => {
          const res = await hubs[backend].app.request(...request(fmt, row));
          assert.equal(res.status, 200);
          assert.equal(await res.text(), golden(viaProxy), row.decidedBy);
        });
      }
    }
  }
});
