/** The machine's HTTP ceiling: nginx `return 200`, next to Bun's own and Mantra's health probe. */
import { startNginx } from '../nginx.ts';
import { startBackend } from '../endpoints.ts';
import { expectations, measure } from '../measure.ts';
import { pinning } from '../processes.ts';
import type { Scenario } from '../types.ts';
import { withMantra, withReference } from './common.ts';

const name = 'ceiling';

export const ceiling: Scenario = {
  name,
  describe: 'nginx `return 200` (reference) vs a Bun.serve hello and Mantra\'s /healthz',
  async run(ctx) {
    const rows = [
      await withReference(name, 'nginx return 200', () => startNginx({ kind: 'return200' }), (ref) =>
        measure(ctx, { scenario: name, variant: 'nginx return 200', reference: true, server: ref.child,
          load: { url: `${ref.base}/` }, expect: expectations.contains('ok') })),
      await withReference(name, 'Bun.serve hello', () => startBackend(pinning.server), (ref) =>
        measure(ctx, { scenario: name, variant: 'Bun.serve hello', server: ref.child,
          load: { url: `${ref.base}/hello` }, expect: expectations.contains('ok') })),
    ];
    rows.push(...await withMantra(ctx, {}, (m) => [
      { scenario: name, variant: 'Mantra /healthz', load: { url: `${m.base}/healthz` }, expect: expectations.contains('"ok"') },
    ], [{ scenario: name, variant: 'Mantra /healthz' }]));
    return rows;
  },
};
