/**
 * The MANTRA-compatible paths answer byte for byte what the original answered (test/fixtures/compat/golden,
 * captured from MANTRA 1.99y), over the same data in a real PostgreSQL, through the worker pool and inline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { needService, pgUrl } from '../support/services.ts';
import { loadPendudukPg } from '../support/penduduk.ts';
import { testApp } from '../support/app.ts';
import { BY_NIK, LIST, setupDukcapil } from '../support/dukcapil.ts';

const golden = (name: string) => fs.readFileSync(new URL(`../fixtures/compat/golden/${name}.body`, import.meta.url), 'utf8');

type Case = { name: string; path: string; key?: string; method?: string; body?: string };
const cases: Case[] = [];
for (const fmt of ['json', 'xml', 'api']) {
  const base = `/${fmt}/dukcapil/kependudukan`;
  cases.push(
    { name: `${fmt}_by_nik_pg_found`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: BY_NIK },
    { name: `${fmt}_by_nik_pg_notfound`, path: `${base}/penduduk_by_nik/nik=3201999999999999`, key: BY_NIK },
    { name: `${fmt}_list_pg`, path: `${base}/penduduk_list`, key: LIST },
    { name: `${fmt}_wrong_accesskey`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: 'wrongkey00' },
    { name: `${fmt}_empty_accesskey`, path: `${base}/penduduk_by_nik/nik=3201000000000042`, key: '' },
    { name: `${fmt}_unknown_operation`, path: `${base}/no_such_op/nik=3201000000000042`, key: BY_NIK },
    { name: `${fmt}_post_form_pg`, path: `${base}/penduduk_by_nik`, key: BY_NIK, method: 'POST', body: 'nik=3201000000000042' },
  );
}
cases.push(
  { name: 'json_list_pg_with_param', path: '/json/dukcapil/kependudukan/penduduk_list/nik=3201000000000042', key: LIST },
  { name: 'json_by_nik_pg_wrong_param_name', path: '/json/dukcapil/kependudukan/penduduk_by_nik/nama=Penduduk%2042', key: BY_NIK },
);


const skip = await needService('PostgreSQL', pgUrl);

for (const workers of [1, 0]) {
  describe(`compatible paths, golden bytes (workers=${workers})`, { skip }, () => {
    let t: Awaited<ReturnType<typeof testApp>>;
    before(async () => {
      t = await testApp({ workers });
      await setupDukcapil(t, await loadPendudukPg());
    });
    after(() => t?.close());

    for (const c of cases) {
      test(c.name, async () => {
        const headers: Record<string, string> = { 'User-Agent': 'MANTRA' };
        if (c.key !== undefined) headers.AccessKey = c.key;
        if (c.body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        const res = await t.app.request(c.path, { method: c.method ?? 'GET', headers, body: c.body });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/plain;charset=UTF-8');
        assert.equal(await res.text(), golden(c.name));
      });
    }
  });
}
