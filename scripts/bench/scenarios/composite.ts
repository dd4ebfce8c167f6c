/**
 * A composite of three steps (proxy operations, merged by step name) vs a hand-written Bun fan-out (Promise.all of
 * three fetches, merged) over the same backend: against backends that answer in 50 ms (the latency a fan-out
 * hides), and against instant ones (what each step costs).
 */
import { startBackend, type Endpoint } from '../endpoints.ts';
import { v1Headers, v1Url } from '../mantra.ts';
import { expectations, measure, SAMPLE_NIK } from '../measure.ts';
import { lastLines, pinning } from '../processes.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, withMantra, withReference } from './common.ts';

const name = 'composite';
const cases = [
  { scenario: 'composite, 50 ms backends', ms: 50, op: 'composite_three' },
  { scenario: 'composite, instant backends', ms: 0, op: 'composite_instant' },
];
const reference = 'Bun fan-out (hand-written)';
const variant = 'Mantra composite v1 json';

export const composite: Scenario = {
  name,
  describe: 'composite of three steps (v1 json) vs a hand-written Bun fan-out over the same backend: 50 ms backends, and instant ones',
  async run(ctx) {
    let slow: Endpoint;
    try {
      slow = await startBackend();
    } catch (err) {
      return [errorRow(cases[0].scenario, reference, `backend did not start: ${lastLines((err as Error).message, 4)}`)];
    }
    try {
      const rows: Row[] = [];
      for (const c of cases) {
        rows.push(await withReference(c.scenario, reference, () => startBackend(pinning.server, slow.base), (ref) =>
          measure(ctx, { scenario: c.scenario, variant: reference, reference: true, server: ref.child,
            load: { url: `${ref.base}/fanout?ms=${c.ms}` }, expect: expectations.contains(SAMPLE_NIK) })));
      }
      rows.push(...await withMantra(ctx, { backend: slow.base }, (m) => cases.map((c) => ({
        scenario: c.scenario, op: c.op, variant, load: { url: v1Url(m, c.op), headers: v1Headers(m) },
        expect: expectations.contains(SAMPLE_NIK, '"complete":true'),
      })), cases.map((c) => ({ scenario: c.scenario, variant }))));
      // Each case's reference and Mantra together in the table.
      return cases.flatMap((c) => rows.filter((r) => r.scenario === c.scenario));
    } finally {
      await slow.child.stop();
    }
  },
};
