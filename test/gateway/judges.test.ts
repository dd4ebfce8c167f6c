/**
 * Real answers judged by PHP itself: unserialize() of /api, eval() of /php and json_decode() of /json give the
 * same array for the same call; a slow query times out cleanly; a large CSV export streams whole.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { inCI, needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, LIST, setupDukcapil } from '../support/dukcapil.ts';

const pgSkip = await needService('PostgreSQL', pgUrl);
const phpMissing = !fs.existsSync('/usr/bin/php');
if (phpMissing && inCI) throw new Error('php-cli is required under CI');
if (phpMissing) console.warn('\n*** SKIPPED: php-cli not installed ***\n');

describe('answers judged by PHP, timeouts, exports', { skip: pgSkip }, () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const get = (path: string, key: string) => t.app.request(path, { headers: { AccessKey: key } }).then((r) => r.text());

  before(async () => {
    t = await testApp();
    await setupDukcapil(t, await loadPendudukPg());
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'lambat', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: 'select pg_sleep(5) as z', timeoutMs: 300 },
    });
    await t.put('operation', {
      agency: 'dukcapil', service: 'kependudukan', slug: 'ekspor', kind: 'data',
      data: { form: 'sql', connector: 'pg', sql: "select g as n, 'baris ' || g || ', \"kutip\"' as teks from generate_series(1, 30000) g", rowCap: 100000 },
    });
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'lambat');
    await t.subscribe(BY_NIK, 'dukcapil', 'kependudukan', 'ekspor');
  });
  after(() => t?.close());

  test('unserialize(/api) and eval(/php) equal json_decode(/json)', { skip: phpMissing ? 'php-cli not installed' : undefined }, async () => {
    for (const [path, key] of [['dukcapil/kependudukan/penduduk_list', LIST], ['dukcapil/kependudukan/penduduk_by_nik/nik=3201000000000042', BY_NIK]]) {
      const [json, api, php] = await Promise.all(['json', 'api', 'php'].map((f) => get(`/${f}/${path}`, key)));
      const script = `$in = json_decode(stream_get_contents(STDIN), true);
        $j = json_decode($in['json'], true); $a = unserialize($in['api']); $p = eval('return ' . $in['php'] . ';');
        echo ($j === $a && $a === $p && count($j['response']['data']) === 1) ? 'same' : 'different';`;
      const r = spawnSync('php', ['-r', script], { input: JSON.stringify({ json, api, php }), encoding: 'utf8' });
      assert.equal(r.stdout, 'same', `${path}: ${r.stderr}`);
    }
  });

  test('a slow query is cancelled at its timeout: 504 on v1, 10021 on the compatible path', async () => {
    const started = performance.now();
    const v1 = await t.app.request('/v1/dukcapil/kependudukan/lambat', { headers: { 'X-API-Key': BY_NIK } });
    assert.equal(v1.status, 504);
    assert.equal((await v1.json()).code, 10021);
    const compat = JSON.parse(await get('/json/dukcapil/kependudukan/lambat', BY_NIK));
    assert.equal(compat.response.code, 10021);
    assert.ok(performance.now() - started < 3000, 'did not wait for pg_sleep(5)');
  });

  test('a 30,000-row CSV export streams whole and parses back', async () => {
    const res = await t.app.request('/v1/dukcapil/kependudukan/ekspor.csv', { headers: { 'X-API-Key': BY_NIK } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), null, 'streamed, not buffered');
    const lines = (await res.text()).split('\r\n');
    assert.equal(lines[0], 'n,teks');
    assert.equal(lines[30000], '30000,"baris 30000, ""kutip"""');
    assert.equal(lines.length, 30002); // header + rows + the empty string after the last CRLF
  });
});
