import type { Context } from 'hono';
import type { Env } from '../app-env.ts';
import type { Store } from '../store/types.ts';
import { runtime } from '../runtime/index.ts';
import pkg from '../../package.json' with { type: 'json' };
import type { Metrics } from './metrics.ts';

const startedAt = Date.now() / 1000;
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * GET /metrics in Prometheus' text format: calls and latency per operation, the trail (last entry, last signed
 * checkpoint), the process. Metric names say which operations exist, restricted ones too: it answers callers on
 * this machine, or those presenting `Authorization: Bearer $MANTRA_METRICS_TOKEN` when that is set.
 */
export function metricsRoute(metrics: Metrics, store: Store, token = process.env.MANTRA_METRICS_TOKEN) {
  return async function metricsRoute(c: Context<Env>) {
    const remote = c.env?.remoteAddress;
    const bearer = c.req.header('authorization');
    const allowed = token ? bearer === `Bearer ${token}` : remote === undefined || LOOPBACK.test(remote);
    if (!allowed) return c.text('forbidden\n', 403);
    let last: number | undefined, checkpoint: { seq: number; at: string } | undefined;
    try {
      const trail = await store.trail();
      try {
        last = (await trail.bounds()).last ?? 0;
        checkpoint = await trail.lastCheckpoint();
      } finally {
        await trail.close();
      }
    } catch {
      // the trail's gauges are left out; the scrape still answers
    }
    const cpu = process.cpuUsage();
    const body = metrics.render([
      { name: 'mantra_trail_last_seq', help: 'Seq of the last entry in the audit trail.', value: last },
      { name: 'mantra_trail_checkpoint_seq', help: 'Seq covered by the last signed checkpoint.', value: checkpoint?.seq },
      { name: 'mantra_trail_checkpoint_timestamp_seconds', help: 'When the last checkpoint was signed.', value: checkpoint && Date.parse(checkpoint.at) / 1000 },
      { name: 'mantra_build_info', help: 'Version and runtime.', value: 1, labels: `version="${pkg.version}",runtime="${runtime.name} ${runtime.version}"` },
      { name: 'process_resident_memory_bytes', help: 'Resident memory.', value: process.memoryUsage.rss() },
      { name: 'process_cpu_seconds_total', help: 'CPU time, user and system.', type: 'counter', value: (cpu.user + cpu.system) / 1e6 },
      { name: 'process_start_time_seconds', help: 'Start of the process (Unix time).', value: startedAt },
    ]);
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  };
}
