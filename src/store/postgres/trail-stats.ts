import { type Histogram, merge } from '../../observability/latency-histogram.ts';
import { CODE, PERIODS, type StatsQuery, type StatsRow, type StatsRowSum, statsExpiry } from '../stats-table.ts';
import type { Sql } from './connection.ts';

type Row = { period: string; start: string; agency: string; service: string; operation: string; consumer: string;
  calls: string; errors: string; total_ms: number; hist: Record<string, number> };

const histogram = (h: Record<string, number>): Histogram => new Map(Object.entries(h).map(([i, c]) => [Number(i), Number(c)]));

/** A batch's sums as the columns of an unnest(): what statsUpsert() adds to this node's rows. */
export function statsColumns(sums: StatsRowSum[]) {
  const col = (i: number) => sums.map((s) => s.key[i]);
  return {
    period: col(0), start: col(1), agency: col(2), service: col(3), operation: col(4), consumer: col(5),
    calls: sums.map((s) => s.calls), errors: sums.map((s) => s.errors), totalMs: sums.map((s) => s.totalMs),
    hist: sums.map((s) => JSON.stringify(Object.fromEntries(s.hist))),
  };
}

/**
 * The upsert that adds a batch's sums to this node's statistics rows, merging latency histograms in SQL: one
 * statement, so it goes into the same atomic statement as the batch's tracks (see trail-ingest.ts).
 */
export function statsUpsert(sql: Sql, node: string, c: ReturnType<typeof statsColumns>) {
  return sql`insert into stats (node, period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
    select ${node}, period, start, agency, service, operation, consumer, calls, errors, total_ms, hist::jsonb
    from unnest(${c.period}::text[], ${c.start}::text[], ${c.agency}::text[], ${c.service}::text[], ${c.operation}::text[],
      ${c.consumer}::text[], ${c.calls}::bigint[], ${c.errors}::bigint[], ${c.totalMs}::float8[], ${c.hist}::text[])
      as u (period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
    on conflict (period, start, agency, service, operation, consumer, node) do update set
      calls = stats.calls + excluded.calls, errors = stats.errors + excluded.errors,
      total_ms = round((stats.total_ms + excluded.total_ms)::numeric, 3)::float8,
      hist = (select coalesce(jsonb_object_agg(k, n), '{}'::jsonb) from (select k, sum(v::bigint) as n from
        (select * from jsonb_each_text(stats.hist) union all select * from jsonb_each_text(excluded.hist)) b (k, v)
        group by k) m)
    returning 1`;
}

/** Drops minute and hour rows past their keeping, every node's (any node may do it). */
export async function prunePgStats(sql: Sql, now = Date.now()): Promise<void> {
  for (const [code, before] of statsExpiry(now)) await sql`delete from stats where period = ${code} and start < ${before}`;
}

/** The statistics as the embedded store answers them: every node's rows of one key and period added up. */
export async function queryPgStats(sql: Sql, q: StatsQuery): Promise<StatsRow[]> {
  const len = PERIODS[q.period];
  const where = [sql`period = ${CODE[q.period]}`];
  if (q.from) where.push(sql`start >= ${q.from.slice(0, len)}`);
  if (q.to) where.push(sql`start <= ${q.to.slice(0, len)}`);
  for (const name of ['agency', 'service', 'operation', 'consumer'] as const) {
    if (q[name] !== undefined) where.push(sql`${sql(name)} = ${q[name]!}`);
  }
  const clause = where.reduce((a, b) => sql`${a} and ${b}`);
  const rows = await sql<Row[]>`select * from stats where ${clause} order by start, agency, service, operation, consumer limit 200000`;
  const out = new Map<string, StatsRow>();
  for (const r of rows) {
    const id = [r.start, r.agency, r.service, r.operation, r.consumer].join('\u0000');
    const s = out.get(id);
    if (!s) {
      out.set(id, { start: r.start, agency: r.agency, service: r.service, operation: r.operation, consumer: r.consumer,
        calls: Number(r.calls), errors: Number(r.errors), totalMs: r.total_ms, hist: histogram(r.hist) });
    } else {
      s.calls += Number(r.calls);
      s.errors += Number(r.errors);
      s.totalMs = Math.round((s.totalMs + r.total_ms) * 1000) / 1000;
      merge(s.hist, histogram(r.hist));
    }
  }
  return [...out.values()];
}
