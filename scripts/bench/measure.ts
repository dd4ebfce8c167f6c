/**
 * One load measurement: check a sample answer first (a wrong answer is an error row, never measured), warm up,
 * measure with the server's RSS sampled, and check a sample again afterwards.
 */
import { cpuSeconds, RssSampler, type Child } from './processes.ts';
import { runWrk, type LoadSpec } from './wrk.ts';
import type { Context, Row } from './types.ts';

export interface Sample {
  status: number;
  contentType: string;
  body: string;
}

/** Returns a problem description, or undefined when the answer is right. */
export type Expect = (s: Sample) => string | undefined;

export interface Target {
  scenario: string;
  variant: string;
  server: Child;
  load: LoadSpec;
  expect: Expect;
  reference?: boolean;
}

/** The NIK used for sample requests (present in the penduduk table). */
export const SAMPLE_NIK = '3201000000000042';

export async function sample(load: LoadSpec): Promise<Sample> {
  const res = await fetch(load.url.replace(/\{nik\}/g, SAMPLE_NIK), {
    method: load.method,
    body: load.body?.replace(/\{nik\}/g, SAMPLE_NIK),
    // A fresh connection: the one of the check before the load has been idle past the server's keep-alive.
    headers: { ...load.headers, connection: 'close' },
    keepalive: false,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

export function describeSample(s: Sample): string {
  const body = s.body.replace(/\s+/g, ' ').trim();
  return `HTTP ${s.status} ${s.contentType}: ${body.length > 160 ? body.slice(0, 160) + '…' : body}`;
}

/** Mantra's answer for an operation kind that is not wired yet: HTTP 501 (v1) or code 10029 (compatible paths). */
export function notWiredYet(s: Sample): boolean {
  return s.status === 501 || /"code"\s*:\s*10029\b|<code>10029<\/code>|i:10029;/.test(s.body);
}

export const notWiredNote = (s: Sample) => `Mantra answers code 10029 "not callable yet" (HTTP ${s.status})`;

async function check(t: Target): Promise<{ problem?: string; sample?: Sample }> {
  try {
    const s = await sample(t.load);
    const problem = t.expect(s);
    return { problem: problem ? `${problem} (${describeSample(s)})` : undefined, sample: s };
  } catch (err) {
    return { problem: `no answer: ${(err as Error).message}` };
  }
}

/** The raw answer kept in results.json for rows that failed a check. */
const kept = (s?: Sample) => (s ? `HTTP ${s.status} ${s.contentType}\n${s.body.slice(0, 2000)}` : undefined);

export async function measure(ctx: Context, t: Target): Promise<Row> {
  const base: Row = { scenario: t.scenario, variant: t.variant, status: t.reference ? 'reference' : 'ok', unit: 'req/s' };
  const before = await check(t);
  if (before.problem && before.sample && notWiredYet(before.sample)) {
    return { ...base, status: 'not available yet', note: notWiredNote(before.sample) };
  }
  if (before.problem) return { ...base, status: 'error', note: `wrong sample answer: ${before.problem}`, sample: kept(before.sample) };
  const { options } = ctx;
  ctx.log(`${t.scenario} / ${t.variant}: warm-up ${options.warmupS} s, measure ${options.durationS} s`);
  try {
    if (options.warmupS > 0) await runWrk(t.load, { durationS: options.warmupS, connections: options.connections });
    const rss = new RssSampler(t.server.pid).start();
    const cpuBefore = cpuSeconds(t.server.pid);
    const r = await runWrk(t.load, { durationS: options.durationS, connections: options.connections });
    const cpu = cpuSeconds(t.server.pid) - cpuBefore;
    const mem = rss.stop();
    const errors = r.errors.connect + r.errors.read + r.errors.write + r.errors.status + r.errors.timeout;
    const notes: string[] = [];
    let failed = false;
    if (r.requests < options.connections) {
      failed = true;
      notes.push(`stalled: ${r.requests} answers in ${r.durationS.toFixed(1)} s over ${options.connections} connections`);
    }
    if (r.errors.status) notes.push(`${r.errors.status} non-2xx`);
    if (r.errors.timeout) notes.push(`${r.errors.timeout} timeouts`);
    if (r.errors.connect + r.errors.read + r.errors.write) {
      notes.push(`socket errors c${r.errors.connect}/r${r.errors.read}/w${r.errors.write}`);
    }
    const after = await check(t);
    if (after.problem) {
      failed = true;
      notes.push(`wrong answer after the load: ${after.problem}`);
    }
    return {
      ...base,
      status: failed ? 'error' : base.status,
      rate: r.rps,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      peakRssMb: mem.peakMb,
      ...(Number.isFinite(cpu) && r.requests > 0 ? { cpuUsPerReq: (cpu * 1e6) / r.requests, cpuBusy: cpu / r.durationS } : {}),
      requests: r.requests,
      errors,
      note: notes.join('; ') || undefined,
      sample: after.problem ? kept(after.sample) : undefined,
    };
  } catch (err) {
    return { ...base, status: 'error', note: (err as Error).message };
  }
}

/** Expectations used by several scenarios. */
export const expectations = {
  status(code: number): Expect {
    return (s) => (s.status === code ? undefined : `expected HTTP ${code}`);
  },
  contains(...parts: string[]): Expect {
    return (s) => {
      if (s.status !== 200) return 'expected HTTP 200';
      const missing = parts.find((p) => !s.body.includes(p));
      return missing ? `answer lacks ${JSON.stringify(missing)}` : undefined;
    };
  },
  json(test: (body: any) => string | undefined): Expect {
    return (s) => {
      if (s.status !== 200) return 'expected HTTP 200';
      try {
        return test(JSON.parse(s.body));
      } catch {
        return 'answer is not JSON';
      }
    };
  },
};
