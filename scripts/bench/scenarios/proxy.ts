/**
 * A proxy operation in front of a small fast backend vs nginx `proxy_pass` (keepalive upstream) to the same, beside
 * what users would pick instead of Mantra in front of that backend (Caddy's `reverse_proxy`, a fastify gateway) and
 * two bare Bun proxies. Every server under test is pinned to the server CPU, the backend to the load CPU.
 */
import { startNginx } from '../nginx.ts';
import { startBackend, type Endpoint } from '../endpoints.ts';
import { compatHeaders, compatUrl, v1Headers, v1Url } from '../mantra.ts';
import { expectations, measure, SAMPLE_NIK } from '../measure.ts';
import { caddyMissing, startCaddy } from '../peers/caddy.ts';
import { fastifyMissing, startFastify } from '../peers/fastify.ts';
import { lastLines, pinning } from '../processes.ts';
import type { Row, Scenario } from '../types.ts';
import { errorRow, unavailableRow, withMantra, withReference } from './common.ts';

const name = 'proxy';
const variants = ['Mantra proxy v1 json', 'Mantra proxy compat json'];
const FASTIFY = 'fastify + @fastify/http-proxy (node)';
const CADDY = 'Caddy reverse_proxy';
const BARE = 'Bun + Mantra HTTP/1.1 client proxy';

const peers = [
  { variant: CADDY, missing: caddyMissing, start: startCaddy },
  { variant: FASTIFY, missing: fastifyMissing, start: startFastify },
];

export const proxy: Scenario = {
  name,
  describe: 'proxy operation (v1 json and compatible json) vs nginx proxy_pass, Caddy, fastify and bare Bun proxies to the same Bun backend',
  addedP99: true,
  async run(ctx) {
    let backend: Endpoint;
    try {
      backend = await startBackend();
    } catch (err) {
      return [errorRow(name, 'nginx proxy_pass', `backend did not start: ${lastLines((err as Error).message, 4)}`)];
    }
    const item = expectations.contains(SAMPLE_NIK);
    try {
      const rows: Row[] = [await withReference(name, 'nginx proxy_pass', () => startNginx({ kind: 'proxy', upstream: backend.base }), (ref) =>
        measure(ctx, { scenario: name, variant: 'nginx proxy_pass', reference: true, server: ref.child,
          load: { url: `${ref.base}/item` }, expect: item }))];
      // Peers: what users would pick instead of Mantra for a proxy. One that is not installed is a visible row.
      for (const peer of peers) {
        const missing = peer.missing();
        rows.push(missing ? unavailableRow(name, peer.variant, `peer not installed: ${missing}`)
          : await withReference(name, peer.variant, () => peer.start(backend.base), (p) =>
            measure(ctx, { scenario: name, variant: peer.variant, server: p.child, load: { url: `${p.base}/item` }, expect: item })));
      }
      // Not targets: what the runtime itself reaches as a proxy (with fetch(), and with Mantra's own HTTP/1.1 client
      // but nothing else of Mantra), for reading Mantra's figure.
      for (const [variant, path] of [['Bun fetch() proxy (hand-written)', '/relay'], [BARE, '/relay-http1']]) {
        rows.push(await withReference(name, variant, () => startBackend(pinning.server, backend.base), (relay) =>
          measure(ctx, { scenario: name, variant, server: relay.child, load: { url: `${relay.base}${path}` }, expect: item })));
      }
      const op = 'proxy_item';
      rows.push(...await withMantra(ctx, { backend: backend.base }, (m) => [
        { scenario: name, op, variant: variants[0], load: { url: v1Url(m, op), headers: v1Headers(m) }, expect: item },
        { scenario: name, op, variant: variants[1], load: { url: compatUrl(m, 'json', op), headers: compatHeaders(m) },
          expect: expectations.contains(SAMPLE_NIK, '"status": 1') },
      ], variants.map((variant) => ({ scenario: name, variant }))));
      // Not a target: the same without the audit trail (settings.tracks off), to show the trail's share.
      const untracked = 'Mantra proxy v1 json, tracks off';
      rows.push(...await withMantra(ctx, { backend: backend.base, tracks: false }, (m) => [
        { scenario: name, op, variant: untracked, load: { url: v1Url(m, op), headers: v1Headers(m) }, expect: item },
      ], [{ scenario: name, variant: untracked }]));
      noteVersus(rows, [FASTIFY, BARE]);
      return rows;
    } finally {
      await backend.child.stop();
    }
  },
};

/** On Mantra's rows, its rate against the peers the targets name, in this round (the table's ratio is to nginx). */
function noteVersus(rows: Row[], against: string[]) {
  const refs = against.map((v) => rows.find((r) => r.variant === v && r.status === 'ok' && r.rate));
  for (const row of rows) {
    if (!row.variant.startsWith('Mantra') || row.status !== 'ok' || !row.rate) continue;
    const parts = refs.flatMap((ref, i) => (ref ? [`${(row.rate! / ref.rate!).toFixed(2)}× ${short(against[i])}`] : []));
    if (parts.length) row.note = [parts.join(', '), row.note].filter(Boolean).join('; ');
  }
}

const short = (variant: string) => (variant === FASTIFY ? 'fastify' : variant === BARE ? 'Bun+client' : variant);
