/** The fuzz oracle itself: what it must flag and what it must let pass (an echo of the caller's input is no leak). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Answer, check } from './oracle.ts';
import type { FuzzCase } from './case.ts';

const secrets = { secrets: ['FUZZSECRET-x'], places: ['127.0.0.1:5432'] };
const compat = (target: string, headers: [string, string][] = []): FuzzCase =>
  ({ seed: 1, index: 0, generator: 't', surface: 'compat', request: { method: 'GET', target, headers } });
const answer = (status: number, body: string, type = 'text/plain;charset=UTF-8'): Answer =>
  ({ status, headers: new Headers({ 'content-type': type }), body: new TextEncoder().encode(body) });
const envelope = (code: number, message: string) =>
  JSON.stringify({ response: { status: code === 200 ? 1 : 0, code, message, data: code === 200 ? { x: [] } : '' } }, null, 4);

test('a clean envelope passes; 5xx, internal codes, stack frames, SQL, hosts and secrets are flagged', () => {
  const c = compat('/json/a/s/o/nik=1');
  assert.deepEqual(check(c, answer(200, envelope(10005, 'Seluruh parameter fungsi operasi wajib diisi')), secrets), []);
  const flagged = (body: string, status = 200) => check(c, answer(status, body), secrets).join('; ');
  assert.match(flagged('', 500), /HTTP 500/);
  assert.match(flagged(envelope(10030, 'Terjadi kesalahan internal')), /10030/);
  assert.match(flagged(envelope(10023, 'Error\n    at run (/work/main/src/x.ts:1:2)')), /stack frame|source path/);
  assert.match(flagged(envelope(10023, 'select nik from penduduk where nik = $1')), /SQL/);
  assert.match(flagged(envelope(10020, 'connect ECONNREFUSED 127.0.0.1:5432')), /host or path|driver message/);
  assert.match(flagged(envelope(10020, 'FUZZSECRET-x')), /secret/);
  assert.match(flagged('{"response":{"status":1}}'), /not a MANTRA json envelope/);
  assert.match(check(c, answer(200, envelope(10001, 'x'), 'application/json'), secrets).join(), /content-type/);
});

test('what the caller sent may come back: an echoed name is no leak', () => {
  const c: FuzzCase = { ...compat('/v1/a/s/o?select%20a%20from%20b=1'), surface: 'v1' };
  const problem = JSON.stringify({ type: 'urn:mantra:error:10005', title: 'Bad Request', status: 400, detail: 'Parameter "select a from b" tidak dikenal', code: 10005 });
  assert.deepEqual(check(c, answer(400, problem, 'application/problem+json; charset=utf-8'), secrets), []);
  assert.match(check(c, answer(400, problem, 'application/json'), secrets).join(), /v1 error with content-type/);
});

test('each format\'s envelope is recognised', () => {
  const xml = '<?xml version="1.0" encoding="utf-8"?>\n<response>\n  <status>0</status>\n  <code>10001</code>\n  <message>x</message>\n  <data></data>\n</response>';
  assert.deepEqual(check(compat('/xml/a/s/o'), answer(200, xml), secrets), []);
  assert.match(check(compat('/xml/a/s/o'), answer(200, xml.replace('<data></data>', '<data>\u0001</data>')), secrets).join(), /not allowed in XML/);
  const serialized = 'a:1:{s:8:"response";a:4:{s:6:"status";i:0;s:4:"code";i:10001;s:7:"message";s:1:"x";s:4:"data";s:0:"";}}';
  assert.deepEqual(check(compat('/api/a/s/o'), answer(200, serialized), secrets), []);
  assert.match(check(compat('/api/a/s/o'), answer(200, serialized.slice(0, -1)), secrets).join(), /not PHP serialize data/);
  assert.deepEqual(check(compat('/csv/a/s/o'), answer(200, 'status,code,message,data\r\n0,10001,x,""\r\n'), secrets), []);
  assert.match(check(compat('/csv/a/s/o'), answer(200, 'a,b\r\n"1\r\n'), secrets).join(), /csv/);
});

test('a SOAP fault may be HTTP 500, but not an internal error, and an answer must be well-formed SOAP', () => {
  const c: FuzzCase = { ...compat('/soap/a/s', [['Content-Type', 'text/xml; charset=utf-8']]), surface: 'soap', request: { method: 'POST', target: '/soap/a/s', headers: [['Content-Type', 'text/xml; charset=utf-8']], body: '<x/>' } };
  const fault = (code: number) => '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring><detail><m:MantraFault xmlns:m="urn:mantra:a:s"><code>${code}</code>` +
    '<message>x</message><requestId>r</requestId></m:MantraFault></detail></soap:Fault></soap:Body></soap:Envelope>';
  const soap = (status: number, body: string) => check(c, answer(status, body, 'text/xml; charset=utf-8'), secrets).join('; ');
  assert.equal(soap(500, fault(10001)), '');
  assert.match(soap(500, fault(10030)), /internal error/);
  assert.match(soap(500, '{"error":"internal"}'), /HTTP 500/);
  assert.match(soap(200, fault(10001)), /fault with HTTP 200/);
});
