/** A proxy operation in front of a small fast backend vs nginx `proxy_pass` (keepalive upstream) to the same. */
import { startNginx } from '../nginx.ts';
import { startBackend, type Endpoint } from '../endpoints.ts';
import { compatHeaders, compatUrl, v1Headers, v1Url } from '../mantra.ts';
import { expectations, measure, SAMPLE_NIK } from '../measure.ts';
import { lastLines, pinning } from '../processes.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, withMantra, withReference } from './common.ts';

const name = 'proxy';
const variants = ['Mantra proxy v1 json', 'Mantra proxy compat json'];

export const proxy: Scenario = {
  name,
  describe: 'proxy operation (v1 json and compatible json) vs nginx proxy_pass to the same Bun backend',
  addedP99: true,
  async run(ctx) {
    let backend: Endpoint;
    try {
      backend = await startBackend();
    } catch (err) {
      return [errorRow(name, 'nginx proxy_pass', `backend did not start: ${lastLines((err as Error).message, 4)}`)];
    }
    try {
      const rows: Row[] = [await withReference(name, 'nginx proxy_pass', () => startNginx({ kind: 'proxy', upstream: backend.base }), (ref) =>
        measure(ctx, { scenario: name, variant: 'nginx proxy_pass', reference: true, server: ref.child,
          load: { url: `${ref.base}/item` }, expect: expectations.contains(SAMPLE_NIK) }))];
      // Not targets: what the runtime itself reaches as a proxy (with fetch(), and with Mantra's own HTTP/1.1 client
      // but nothing else of Mantra), for reading Mantra's figure.
      for (const [variant, path] of [['Bun fetch() proxy (hand-written)', '/relay'], ['Bun + Mantra HTTP/1.1 client proxy', '/relay-http1']]) {
        rows.push(await withReference(name, variant, () => startBackend(pinning.server, backend.base), (relay) =>
          measure(ctx, { scenario: name, variant, server: relay.child, load: { url: `${relay.base}${path}` }, expect: expectations.contains(SAMPLE_NIK) })));
      }
      const op = 'proxy_item';
      rows.push(...await withMantra(ctx, { backend: backend.base }, (m) => [
        { scenario: name, op, variant: variants[0], load: { url: v1Url(m, op), headers: v1Headers(m) }, expect: expectations.contains(SAMPLE_NIK) },
        { scenario: name, op, variant: variants[1], load: { url: compatUrl(m, 'json', op), headers: compatHeaders(m) },
          expect: expectations.contains(SAMPLE_NIK, '"status": 1') },
      ], variants.map((variant) => ({ scenario: name, variant }))));
      // Not a target: the same without the audit trail (settings.tracks off), to show the trail's share.
      const untracked = 'Mantra proxy v1 json, tracks off';
      rows.push(...await withMantra(ctx, { backend: backend.base, tracks: false }, (m) => [
        { scenario: name, op, variant: untracked, load: { url: v1Url(m, op), headers: v1Headers(m) }, expect: expectations.contains(SAMPLE_NIK) },
      ], [{ scenario: name, variant: untracked }]));
      return rows;
    } finally {
      await backend.child.stop();
    }
  },
};
