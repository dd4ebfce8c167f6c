/** A composite of three 50 ms backends vs a hand-written Bun fan-out (Promise.all of three fetches). */
import { startBackend, type Endpoint } from '../endpoints.ts';
import { v1Headers, v1Url } from '../mantra.ts';
import { expectations, measure, SAMPLE_NIK } from '../measure.ts';
import { lastLines, pinning } from '../processes.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, withMantra, withReference } from './common.ts';

const name = 'composite';

export const composite: Scenario = {
  name,
  describe: 'composite of three 50 ms backends (v1 json) vs a hand-written Bun fan-out over the same backend',
  async run(ctx) {
    let slow: Endpoint;
    try {
      slow = await startBackend();
    } catch (err) {
      return [errorRow(name, 'Bun fan-out (hand-written)', `backend did not start: ${lastLines((err as Error).message, 4)}`)];
    }
    try {
      const rows: Row[] = [await withReference(name, 'Bun fan-out (hand-written)', () => startBackend(pinning.server, slow.base), (ref) =>
        measure(ctx, { scenario: name, variant: 'Bun fan-out (hand-written)', reference: true, server: ref.child,
          load: { url: `${ref.base}/fanout?ms=50` }, expect: expectations.contains(SAMPLE_NIK) }))];
      const op = 'composite_three';
      rows.push(...await withMantra(ctx, { backend: slow.base }, (m) => [
        { scenario: name, op, variant: 'Mantra composite v1 json', load: { url: v1Url(m, op), headers: v1Headers(m) },
          expect: expectations.contains(SAMPLE_NIK) },
      ], [{ scenario: name, variant: 'Mantra composite v1 json' }]));
      return rows;
    } finally {
      await slow.child.stop();
    }
  },
};
