import type { MiddlewareHandler } from 'hono';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type Histogram, merge, quantiles } from '../observability/latency-histogram.ts';
import { PERIODS, type Period, type StatsRow } from '../store/stats-table.ts';
import type { AdminContext, AdminEnv, AdminUser } from './context.ts';
import { errors, input, json, register } from './openapi.ts';

const tags = ['statistics'];
const SPAN: Record<Period, number> = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 };
const keys = ['agency', 'service', 'operation', 'consumer'] as const;

const Query = z.object({
  period: z.enum(['minute', 'hour', 'day']).default('hour'),
  from: z.string().datetime({ offset: true }).optional().openapi({ description: 'Default: an hour, a day or 30 days back' }),
  to: z.string().datetime({ offset: true }).optional(),
  agency: z.string().optional(),
  service: z.string().optional(),
  operation: z.string().optional(),
  consumer: z.string().optional(),
  by: z.enum(['operation', 'agency', 'consumer', 'total']).default('operation')
    .openapi({ description: 'One series per operation, agency or consumer, or one for everything' }),
});

const Point = z.object({
  start: z.string().openapi({ description: 'The period, as the start of its ISO time (2026-12-01T09 is that hour)' }),
  calls: z.number().int(),
  errors: z.number().int(),
  avgMs: z.number(),
  p50: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
});
const Stats = z.object({
  period: z.enum(['minute', 'hour', 'day']),
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({
    agency: z.string().optional(), service: z.string().optional(), operation: z.string().optional(), consumer: z.string().optional(),
    total: Point.omit({ start: true }),
    points: z.array(Point),
  })),
}).openapi('Statistics', { description: 'Latency in ms; percentiles from log-scale histograms, within about 5%' });

interface Sum {
  calls: number;
  errors: number;
  totalMs: number;
  hist: Histogram;
}

function point(s: Sum) {
  const [p50, p95, p99] = quantiles(s.hist, [0.5, 0.95, 0.99]);
  return { calls: s.calls, errors: s.errors, avgMs: s.calls ? Math.round((s.totalMs / s.calls) * 1000) / 1000 : 0, p50, p95, p99 };
}

function add(into: Sum | undefined, r: StatsRow): Sum {
  const s = into ?? { calls: 0, errors: 0, totalMs: 0, hist: new Map() };
  s.calls += r.calls;
  s.errors += r.errors;
  s.totalMs += r.totalMs;
  merge(s.hist, r.hist);
  return s;
}

/** What a role may see: everything, its agency's operations, or its agency's consumers. */
function visible(user: AdminUser): (r: StatsRow) => boolean {
  if (user.role === 'administrator' || user.role === 'supervisor') return () => true;
  if (user.role === 'requester') return (r) => user.agency !== undefined && r.consumer.startsWith(`${user.agency}/`);
  return (r) => r.agency === user.agency;
}

/**
 * Calls, errors and latency (average, p50, p95, p99) per minute, hour or day, per operation, agency or consumer,
 * for the dashboard's charts. Administrators and supervisors see all; providers and publishers their agency's
 * operations; requesters their consumers' calls.
 */
export function mountStatsRoutes(app: OpenAPIHono<AdminEnv>, guards: MiddlewareHandler<AdminEnv>[], ctx: AdminContext) {
  register(app, guards, createRoute({
    method: 'get', path: '/stats', tags, summary: 'Call statistics per period and operation, agency or consumer',
    request: { query: Query },
    responses: { 200: json(Stats, 'One series per key, its points in time order'), ...errors(400, 401, 403) },
  }), async (c) => {
    const q = input<z.infer<typeof Query>>(c, 'query');
    const to = q.to ? new Date(q.to).toISOString() : new Date().toISOString();
    const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - SPAN[q.period]).toISOString();
    const trail = await ctx.store.trail();
    let rows: StatsRow[];
    try {
      rows = await trail.stats({ period: q.period, from, to, agency: q.agency, service: q.service, operation: q.operation, consumer: q.consumer });
    } finally {
      await trail.close();
    }
    const see = visible(c.get('user'));
    const by: readonly (typeof keys)[number][] = q.by === 'total' ? [] : q.by === 'operation' ? ['agency', 'service', 'operation'] : [q.by];
    const series = new Map<string, { key: Record<string, string>; total?: Sum; points: Map<string, Sum> }>();
    for (const r of rows) {
      if (!see(r)) continue;
      const key = Object.fromEntries(by.map((k) => [k, r[k]]));
      const id = by.map((k) => r[k]).join('\u0000');
      let s = series.get(id);
      if (!s) series.set(id, (s = { key, points: new Map() }));
      s.total = add(s.total, r);
      s.points.set(r.start, add(s.points.get(r.start), r));
    }
    return c.json({
      period: q.period, from: from.slice(0, PERIODS[q.period]), to: to.slice(0, PERIODS[q.period]),
      series: [...series.values()].map((s) => ({
        ...s.key,
        total: point(s.total!),
        points: [...s.points].sort(([a], [b]) => (a < b ? -1 : 1)).map(([start, sum]) => ({ start, ...point(sum) })),
      })),
    }, 200);
  });
}
