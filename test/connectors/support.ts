/** Helpers for the connector tests: connector refs, running a job to its end, the pool sizes to cover. */
import os from 'node:os';
import path from 'node:path';
import type { Connector } from '../../src/model/connector.ts';
import type { ConnectorPool } from '../../connectors/pool.ts';
import type { JobEvent, QueryJob } from '../../connectors/job/types.ts';
import type { ConnectorRef, Row } from '../../connectors/types.ts';

/** One worker thread, and inline (the measurement mode) through the same job handler. */
export const poolSizes = [1, 0] as const;

/** Test files live in temporary folders: those are allowed; the data directory is one that holds none of them. */
export const testFiles = { roots: [os.tmpdir()], dataDir: path.join(path.parse(os.tmpdir()).root, 'nonexistent-mantra-data') };

export function ref(id: string, version: number, config: Partial<Connector> & Pick<Connector, 'kind'>): ConnectorRef {
  return {
    id,
    version,
    files: testFiles,
    config: {
      agency: 'test',
      slug: id.replace(/[^a-z0-9_-]/g, '-'),
      description: '',
      ssl: 'disable',
      poolSize: 2,
      connectTimeoutMs: 2000,
      ...config,
    } as Connector,
  };
}

export function urlConfig(url: string): Partial<Connector> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port),
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: u.pathname.slice(1),
  };
}

export interface Outcome {
  events: JobEvent[];
  rows: Row[];
  text: string;
  end?: Extract<JobEvent, { type: 'end' }>;
  error?: Extract<JobEvent, { type: 'error' }>['error'];
}

const utf8 = new TextDecoder();

/** Runs a job to its end and gathers what came back. */
export async function collect(events: AsyncIterable<JobEvent>): Promise<Outcome> {
  const out: Outcome = { events: [], rows: [], text: '' };
  for await (const ev of events) {
    out.events.push(ev);
    if (ev.type === 'rows') out.rows.push(...ev.rows);
    if (ev.type === 'chunk') out.text += typeof ev.data === 'string' ? ev.data : utf8.decode(ev.data);
    if (ev.type === 'end') out.end = ev;
    if (ev.type === 'error') out.error = ev.error;
  }
  return out;
}

export function job(connector: ConnectorRef, plan: QueryJob['plan'], extra: Partial<QueryJob> = {}): QueryJob {
  return { connector, plan, timeoutMs: 5000, rowCap: 10_000, truncate: false, output: { mode: 'rows' }, ...extra };
}

export async function run(pool: ConnectorPool, j: QueryJob, signal?: AbortSignal): Promise<Outcome> {
  return collect(pool.run(j, signal));
}

/** A name no other test run uses (the database servers are shared). */
export function unique(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
}

/** Polls until `check` is true or the time is up. */
export async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
