/**
 * Saving and validating composite operations through the admin API: each kind of problem is a 400 whose issue
 * names the step (and its path), in Indonesian and in English; POST /composites/validate runs the same checks
 * without saving and tells the stages; older composite specs still save.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Harness, harness, seed } from './support.ts';
import { ConfigImportError, importConfig } from '../../src/admin-api/config-document.ts';

const svc = { agency: 'a', service: 'kependudukan' };
const step = (name: string, operation: string, extra: Record<string, unknown> = {}) => ({ name, ...svc, operation, ...extra });
const composite = (slug: string, steps: unknown[], extra: Record<string, unknown> = {}) =>
  ({ ...svc, slug, kind: 'composite', params: [{ name: 'nik' }], composite: { steps, ...extra } });

describe('admin api: composite operations', () => {
  let h: Harness, admin: string;
  before(async () => {
    h = harness();
    admin = await h.user('root', 'administrator');
    await seed(h, admin);
    // A data operation whose output fields the configuration names.
    const r = await h.call('POST', '/operations', {
      token: admin,
      json: { ...svc, slug: 'penduduk_kolom', kind: 'data', params: [{ name: 'nik' }],
        data: { form: 'table', connector: 'db', table: 'penduduk', columns: ['nik', 'nama'], conditions: [{ column: 'nik', param: 'nik' }] } },
    });
    assert.equal(r.status, 201, r.text);
  });
  after(() => h.close());

  /** The issues of a refused save, as `path: message`. */
  async function refused(body: unknown, lang = 'id', route = '/operations') {
    const r = await h.call('POST', route, { token: admin, json: body, headers: { 'accept-language': lang } });
    assert.equal(r.status, 400, r.text);
    return r.body.issues.map((i: { path: string; message: string }) => `${i.path}: ${i.message}`);
  }

  test('a good composite saves, reads back with its defaults, and an older spec (optional) still saves', async () => {
    const r = await h.call('POST', '/operations', {
      token: admin,
      json: composite('profil', [step('p', 'penduduk_by_nik', { params: { nik: 'params.nik' } }), step('k', 'penduduk_kolom', { params: { nik: 'steps.p.nik' }, needs: ['p'], optional: true })]),
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.composite.timeoutMs, 30_000);
    assert.deepEqual(r.body.composite.steps.map((s: { timeoutMs: number; optional: boolean; onFailure?: unknown }) => [s.timeoutMs, s.optional, s.onFailure]), [[10_000, false, undefined], [10_000, true, undefined]]);
    const withFailure = await h.call('POST', '/operations', {
      token: admin,
      json: composite('profil2', [step('p', 'penduduk_by_nik', { params: { nik: 'params.nik' }, onFailure: { default: [] } })], { timeoutMs: 5000 }),
    });
    assert.equal(withFailure.status, 201, withFailure.text);
    assert.deepEqual(withFailure.body.composite.steps[0].onFailure, { default: [] });
  });

  test('an unknown operation: named by step', async () => {
    assert.deepEqual(await refused(composite('c_unknown', [step('p', 'penduduk_by_nik', { params: { nik: 'params.nik' } }), step('hilang', 'tidak_ada')])), [
      'composite.steps.1.operation: Langkah "hilang": operasi a/kependudukan/tidak_ada tidak ada',
    ]);
    assert.deepEqual(await refused(composite('c_unknown', [step('hilang', 'tidak_ada')]), 'en'), [
      'composite.steps.0.operation: Step "hilang": operation a/kependudukan/tidak_ada does not exist',
    ]);
  });

  test('cycles through nested composites are refused, the composite itself included', async () => {
    assert.deepEqual(await refused(composite('c_self', [step('lagi', 'c_self', { params: { nik: 'params.nik' } })])), [
      'composite.steps.0.operation: Langkah "lagi": operasi a/kependudukan/c_self memanggil komposit ini lagi (a/kependudukan/c_self → a/kependudukan/c_self)',
    ]);
    const one = composite('c_satu', [step('p', 'penduduk_by_nik', { params: { nik: 'params.nik' } })]);
    assert.equal((await h.call('POST', '/operations', { token: admin, json: one })).status, 201);
    assert.equal((await h.call('POST', '/operations', { token: admin, json: composite('c_dua', [step('satu', 'c_satu', { params: { nik: 'params.nik' } })]) })).status, 201);
    // c_satu now calling c_dua would call itself through it.
    const read = (await h.call('GET', '/operations/a/kependudukan/c_satu', { token: admin })).body;
    const r = await h.call('PUT', '/operations/a/kependudukan/c_satu', {
      token: admin, headers: { 'accept-language': 'en' },
      json: { ...read, composite: { steps: [...one.composite.steps, step('dua', 'c_dua', { params: { nik: 'params.nik' } })] } },
    });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body.issues, [{
      path: 'composite.steps.1.operation',
      message: 'Step "dua": operation a/kependudukan/c_dua calls this composite again (a/kependudukan/c_satu → a/kependudukan/c_dua → a/kependudukan/c_satu)',
    }]);
  });

  test('steps that wait for each other, or for a step that is not there, and duplicate names', async () => {
    assert.deepEqual(await refused(composite('c_needs', [
      step('x', 'penduduk_by_nik', { params: { nik: 'params.nik' }, needs: ['y'] }),
      step('y', 'penduduk_by_nik', { params: { nik: 'params.nik' }, needs: ['x'] }),
      step('z', 'penduduk_by_nik', { params: { nik: 'params.nik' }, needs: ['w'] }),
      step('z', 'penduduk_by_nik', { params: { nik: 'params.nik' } }),
    ])), [
      'composite.steps.3.name: Nama langkah "z" dipakai lebih dari sekali',
      'composite.steps.2.needs.0: Langkah "z" menunggu "w", yang bukan langkah komposit ini',
      'composite.steps.0.needs: Langkah "x" saling menunggu: x → y',
      'composite.steps.1.needs: Langkah "y" saling menunggu: x → y',
    ]);
  });

  test('expressions that do not compile: a step\'s parameter and the result', async () => {
    const issues = await refused(composite('c_expr', [step('p', 'penduduk_by_nik', { params: { nik: 'params.nik &' } })], { expression: '{ "a": ' }), 'en');
    assert.equal(issues.length, 2, issues.join('\n'));
    assert.match(issues[0], /^composite\.steps\.0\.params\.nik: Step "p", parameter "nik": the JSONata expression does not compile: .+\(S0\d+, \d+\)$/);
    assert.match(issues[1], /^composite\.expression: The result expression does not compile: .+/);
  });

  test('parameters: the ones no step provides, ones an operation does not have, undeclared caller parameters', async () => {
    assert.deepEqual(await refused(composite('c_params', [
      step('p', 'penduduk_by_nik'),
      step('q', 'penduduk_by_nik', { params: { nik: 'params.nik', umur: '1' } }),
      step('r', 'penduduk_by_nik', { params: { nik: 'params.nomor' } }),
    ])), [
      'composite.steps.0.params: Langkah "p": parameter wajib "nik" dari operasi a/kependudukan/penduduk_by_nik tidak diberikan oleh langkah ini',
      'composite.steps.1.params.umur: Langkah "q": operasi a/kependudukan/penduduk_by_nik tidak memiliki parameter "umur"',
      'composite.steps.2.params.nik: Langkah "r", parameter "nik": params.nomor bukan parameter operasi komposit ini',
    ]);
  });

  test('results of other steps: one not waited for, one that does not exist, a field a step does not give', async () => {
    assert.deepEqual(await refused(composite('c_refs', [
      step('k', 'penduduk_kolom', { params: { nik: 'params.nik' } }),
      step('a', 'penduduk_by_nik', { params: { nik: 'steps.k.nik' } }),
      step('b', 'penduduk_by_nik', { params: { nik: 'steps.zz.nik' }, needs: ['k'] }),
      step('c', 'penduduk_by_nik', { params: { nik: 'steps.k.alamat' }, needs: ['k'] }),
      // Read through the data step's rows with a filter: still the field `nik` of k.
      step('d', 'penduduk_by_nik', { params: { nik: 'steps.k[nama = "x"].nik' }, needs: ['k'] }),
    ]), 'en'), [
      'composite.steps.1.params.nik: Step "a", parameter "nik": uses the result of step "k" without waiting for it (add "k" to needs)',
      'composite.steps.2.params.nik: Step "b", parameter "nik": steps.zz is not a step of this composite',
      'composite.steps.3.params.nik: Step "c", parameter "nik": step "k" gives no field "alamat" (its fields: nik, nama)',
    ]);
  });

  test('a configuration import checks composites as saving does, over what the import leaves', async () => {
    const ping = composite('c_ping', [step('pong', 'c_pong', { params: { nik: 'params.nik' } })]);
    const pong = composite('c_pong', [step('ping', 'c_ping', { params: { nik: 'params.nik' } }), step('hilang', 'tidak_ada')]);
    const doc = { mantra: 'config', version: 1, entities: { operation: [ping, pong] } };
    await assert.rejects(importConfig(h.store, doc), (err: unknown) => {
      assert.ok(err instanceof ConfigImportError);
      assert.deepEqual(err.issues, [
        { path: 'entities.operation.1.composite.steps.1.operation', message: 'operation "a/kependudukan/tidak_ada" does not exist' },
        { path: 'entities.operation.0.composite.steps.0.operation', message: 'Step "pong": operation a/kependudukan/c_pong calls this composite again (a/kependudukan/c_ping → a/kependudukan/c_pong → a/kependudukan/c_ping)' },
        { path: 'entities.operation.1.composite.steps.0.operation', message: 'Step "ping": operation a/kependudukan/c_ping calls this composite again (a/kependudukan/c_pong → a/kependudukan/c_ping → a/kependudukan/c_pong)' },
        { path: 'entities.operation.1.composite.steps.1.operation', message: 'Step "hilang": operation a/kependudukan/tidak_ada does not exist' },
      ]);
      return true;
    });
    assert.equal(await h.store.get('operation', 'a/kependudukan/c_ping'), undefined, 'nothing imported');
  });

  test('POST /composites/validate: the same checks without saving, and the stages when nothing is wrong', async () => {
    const good = composite('c_draft', [
      step('p', 'penduduk_by_nik', { params: { nik: 'params.nik' } }),
      step('k', 'penduduk_kolom', { params: { nik: 'params.nik' } }),
      step('gabung', 'penduduk_kolom', { params: { nik: 'steps.k.nik' }, needs: ['k', 'p'] }),
    ]);
    const r = await h.call('POST', '/composites/validate', { token: admin, json: good });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { ok: true, stages: [['p', 'k'], ['gabung']] });
    assert.equal((await h.call('GET', '/operations/a/kependudukan/c_draft', { token: admin })).status, 404, 'not saved');
    assert.deepEqual(await refused(composite('c_draft', [step('hilang', 'tidak_ada')]), 'id', '/composites/validate'), [
      'composite.steps.0.operation: Langkah "hilang": operasi a/kependudukan/tidak_ada tidak ada',
    ]);
    const data = { ...svc, slug: 'bukan', kind: 'data', data: { form: 'sql', connector: 'db', sql: 'select 1' } };
    const notComposite = await h.call('POST', '/composites/validate', { token: admin, json: data });
    assert.deepEqual([notComposite.status, notComposite.body.error], [400, 'composite_not_composite']);
  });
});
