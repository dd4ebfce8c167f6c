/** The plan a composite compiles to (order, what each step sees, refusals) and what its expressions are read for. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jsonata from 'jsonata';
import { Operation } from '../../src/model/operation.ts';
import { compilePlan, PlanError } from '../../src/compose/plan.ts';
import { refsOf } from '../../src/compose/refs.ts';
import { stepsHeader } from '../../src/compose/report.ts';

const step = (name: string, extra: Record<string, unknown> = {}) => ({ name, agency: 'a', service: 's', operation: 'o', ...extra });
const composite = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  Operation.parse({ agency: 'a', service: 's', slug: 'k', kind: 'composite', composite: { steps, ...extra } });

describe('composite plan', () => {
  test('every step after the steps it needs; each sees what it waits for, directly or not', () => {
    const plan = compilePlan(composite([step('d', { needs: ['c', 'a'] }), step('c', { needs: ['b'] }), step('b'), step('a')]));
    assert.deepEqual(plan.steps.map((s) => s.name), ['b', 'a', 'c', 'd']);
    assert.deepEqual(plan.names, ['d', 'c', 'b', 'a'], 'the merged answer keeps the written order');
    assert.deepEqual(Object.fromEntries(plan.steps.map((s) => [s.name, s.sees.sort()])), { b: [], a: [], c: ['b'], d: ['a', 'b', 'c'] });
    assert.equal(plan.timeoutMs, 30_000);
  });

  test('on failure: fail by default, omit for the older `optional`, `onFailure` over both', () => {
    const plan = compilePlan(composite([step('a'), step('b', { optional: true }), step('c', { optional: true, onFailure: { default: 0 } })]));
    assert.deepEqual(plan.steps.map((s) => s.onFailure), ['fail', 'omit', { default: 0 }]);
  });

  test('refusals carry their path and the step', () => {
    try {
      compilePlan(composite([step('a', { needs: ['a'] }), step('b', { params: { x: '(' } })], { expression: '}' }));
      assert.fail('planned');
    } catch (err) {
      assert.ok(err instanceof PlanError);
      assert.deepEqual(err.issues.map((i) => [i.path, i.key, i.vars.step]), [
        ['composite.steps.1.params.x', 'composite_expression', 'b'],
        ['composite.steps.0.needs', 'composite_needs_cycle', 'a'],
        ['composite.expression', 'composite_result_expression', undefined],
      ]);
    }
  });

  test('what an expression reads of {params, steps}', () => {
    const read = (e: string) => {
      const r = refsOf(jsonata(e));
      return { params: [...r.params], steps: Object.fromEntries([...r.steps].map(([k, v]) => [k, [...v]])) };
    };
    assert.deepEqual(read('steps.a.nik & params.x'), { params: ['x'], steps: { a: ['nik'] } });
    assert.deepEqual(read('steps.a[nik = $$.params.q].nama'), { params: ['q'], steps: { a: ['nama'] } });
    // Inside a filter a bare name is a field of the items there, not the input.
    assert.deepEqual(read('steps.a[params.q = 1]'), { params: [], steps: { a: [] } });
    assert.deepEqual(read('$count(steps.b) + $.steps.c.n'), { params: [], steps: { b: [], c: ['n'] } });
  });

  test('the X-Mantra-Steps header', () => {
    assert.equal(stepsHeader({ a: { status: 'ok', startMs: 0.2, ms: 41.3 }, b: { status: 'omitted', startMs: 0.2, ms: 3000, code: 10021, error: 'timeout' } }),
      'a=ok;start=0.2;ms=41.3, b=omitted;start=0.2;ms=3000;code=10021');
  });
});
