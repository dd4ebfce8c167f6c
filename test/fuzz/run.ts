/**
 * The harness: makes each case from (seed, part, index), sends it, checks every answer with the oracle, checks
 * that the server still answers /healthz, and has PHP judge the php/serialize answers (in batches). A failure is
 * printed with the seed, the case number and the whole case, so that it can be replayed alone. Rate limits, the
 * login throttle and MANTRA's fallback cache carry state from case to case, so a replayed case meets a fresh
 * server: the printed case is complete, its answer may differ. A seed and case number name the same case only for
 * the same version of the generators (their weights included).
 */
import type { FuzzCase, Generator, GeneratorContext } from './case.ts';
import { describeCase } from './case.ts';
import { Rng } from './prng.ts';
import { type Answer, check, compatFormat, type Secrets } from './oracle.ts';
import { type Judged, judgeWithPhp, phpAvailable } from './php-judge.ts';

export interface RunOptions {
  /** The part of the suite ("gateway", "admin", "http"): part of each case's seed. */
  part: string;
  seed: number;
  cases: number;
  /** Only this case (a replay). */
  only?: number;
  /** Only these generators (a targeted run; case numbers then differ from a full run's). */
  generatorNames?: string[];
  generators: [weight: number, name: string, gen: Generator][];
  ctx: GeneratorContext;
  secrets: Secrets;
  /** Sends a case; undefined when the client side cannot send it at all (not a server failure). */
  send(c: FuzzCase): Promise<Answer[] | undefined>;
  /** Called before a case is sent (e.g. to set the fuzz backend's reply). */
  prepare?(c: FuzzCase): void;
  healthy(): Promise<boolean>;
  healthEvery?: number;
  /** Extra text for a failure report (e.g. what the backend received). */
  context?(c: FuzzCase): string;
  maxFailures?: number;
  log?(line: string): void;
  /** Counts of known outside limitations met (the part fills it), printed with the summary. */
  notes?: Record<string, number>;
  /** Sees every case and its answers (scripts/fuzz.ts --verbose). */
  trace?(c: FuzzCase, answers: Answer[] | undefined): void;
}

export interface Failure {
  c: FuzzCase;
  problems: string[];
  answer?: string;
}

export interface RunReport {
  part: string;
  seed: number;
  ran: number;
  unsendable: number;
  ms: number;
  failures: Failure[];
  /** Answers by surface and status, and MANTRA codes seen: what the run reached. */
  statuses: Record<string, number>;
  codes: Record<string, number>;
  judged: number;
  /** The slowest cases, to see where a run's time goes. */
  slowest: { index: number; generator: string; ms: number }[];
  notes: Record<string, number>;
}

function partSeed(seed: number, part: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function makeCase(o: Pick<RunOptions, 'part' | 'seed' | 'generators' | 'ctx'>, index: number): FuzzCase {
  const rng = Rng.forCase(partSeed(o.seed, o.part), index);
  const name = rng.weighted(o.generators.map(([w, n]) => [w, n] as const));
  const gen = o.generators.find(([, n]) => n === name)![2];
  return { seed: o.seed, index, generator: name, ...gen(rng, o.ctx) };
}

const utf8 = new TextDecoder();

function excerpt(a: Answer): string {
  const text = utf8.decode(a.body);
  return `HTTP ${a.status} ${a.headers.get('content-type') ?? ''}\n${text.length > 600 ? text.slice(0, 600) + '…' : text}`;
}

function codeOf(text: string): string | undefined {
  return /"code":\s*(-?\d+)|<code>(-?\d+)<|"code";i:(-?\d+)|'code' => (-?\d+)|^status,code,message,data\r\n[01],(-?\d+)/.exec(text)?.slice(1).find((x) => x !== undefined);
}

export async function runFuzz(options: RunOptions): Promise<RunReport> {
  const names = options.generatorNames;
  const o = names?.length ? { ...options, generators: options.generators.filter(([, n]) => names.includes(n)) } : options;
  if (!o.generators.length) throw new Error(`no generator named ${names}; there are ${options.generators.map(([, n]) => n).join(', ')}`);
  const log = o.log ?? ((line: string) => console.log(line));
  const report: RunReport = { part: o.part, seed: o.seed, ran: 0, unsendable: 0, ms: 0, failures: [], statuses: {}, codes: {}, judged: 0, slowest: [], notes: o.notes ?? {} };
  const judged: { item: Judged; c: FuzzCase }[] = [];
  const maxFailures = o.maxFailures ?? 10;
  const started = performance.now();
  const fail = (f: Failure) => {
    report.failures.push(f);
    log(`\nFUZZ FAILURE part=${o.part} seed=${o.seed} case=${f.c.index}: ${f.problems.join('; ')}\n` +
      `replay: ${replayCommand(o, f.c.index)}\n${describeCase(f.c)}` +
      `${f.answer ? `\nanswer: ${f.answer}` : ''}${o.context ? `\n${o.context(f.c)}` : ''}\n`);
  };
  // PHP judges in batches: one php-cli run per PHP_BATCH answers.
  const judge = () => {
    if (!judged.length || !phpAvailable()) return;
    const batch = judged.splice(0);
    report.judged += batch.length;
    judgeWithPhp(batch.map((j) => j.item)).forEach((why, i) => {
      if (why) fail({ c: batch[i].c, problems: [`PHP judges the ${batch[i].item.format} answer: ${why}`], answer: utf8.decode(batch[i].item.body.subarray(0, 600)) });
    });
  };
  const indexes = o.only !== undefined ? [o.only] : Array.from({ length: o.cases }, (_, i) => i);
  for (const index of indexes) {
    if (report.failures.length >= maxFailures) break;
    let c: FuzzCase;
    try {
      c = makeCase(o, index);
    } catch (err) {
      // A harness bug, reported like a failing case so that it can be replayed.
      const stub: FuzzCase = { seed: o.seed, index, generator: '?', surface: 'other', request: { method: '', target: '', headers: [] } };
      fail({ c: stub, problems: [`the generator threw: ${(err as Error).stack ?? err}`] });
      continue;
    }
    o.prepare?.(c);
    let answers: Answer[] | undefined;
    const t0 = performance.now();
    try {
      answers = await o.send(c);
    } catch (err) {
      fail({ c, problems: [`no answer: ${(err as Error).message}`] });
      continue;
    } finally {
      noteTime(report, c, performance.now() - t0);
    }
    report.ran++;
    o.trace?.(c, answers);
    if (!answers) {
      report.unsendable++;
      continue;
    }
    answers.forEach((a, i) => {
      const surface = i === 0 ? c.surface : 'other';
      const checked = i === 0 ? c : { ...c, surface } as FuzzCase;
      const problems = check(checked, a, o.secrets);
      const key = `${surface} ${a.status}`;
      report.statuses[key] = (report.statuses[key] ?? 0) + 1;
      const text = utf8.decode(a.body.subarray(0, 4000));
      const code = codeOf(text);
      if (code) report.codes[code] = (report.codes[code] ?? 0) + 1;
      if (problems.length) fail({ c, problems, answer: excerpt(a) });
      else if (i === 0) collectForPhp(c, a, judged);
    });
    if (judged.length >= PHP_BATCH) judge();
    if ((index + 1) % (o.healthEvery ?? 50) === 0 && !(await o.healthy())) {
      fail({ c, problems: ['/healthz stopped answering after this case'] });
      break;
    }
  }
  if (!(await o.healthy())) fail({ c: makeCase(o, indexes.at(-1) ?? 0), problems: ['/healthz does not answer at the end of the run'] });
  judge();
  if (!phpAvailable() && report.judged === 0) log('*** php-cli not found: the php/serialize answers were checked without PHP as judge ***');
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The command that runs this one case again, under the runtime that found it. */
function replayCommand(o: RunOptions, index: number): string {
  const args = `--part ${o.part} --seed ${o.seed} --case ${index}${(o.generatorNames ?? []).map((g) => ` --generator ${g}`).join('')}`;
  return 'Deno' in globalThis ? `node_modules/.bin/deno run -A scripts/fuzz.ts ${args}` : `npm run fuzz -- ${args}`;
}

function noteTime(r: RunReport, c: FuzzCase, ms: number): void {
  if (r.slowest.length >= 5 && ms <= r.slowest[4].ms) return;
  r.slowest.push({ index: c.index, generator: c.generator, ms: Math.round(ms) });
  r.slowest.sort((a, b) => b.ms - a.ms).splice(5);
}

const PHP_BATCH = 400;

/** php and serialize answers (each under 256 KB) for PHP to judge. */
function collectForPhp(c: FuzzCase, a: Answer, into: { item: Judged; c: FuzzCase }[]): void {
  if (a.body.byteLength > 256 * 1024 || a.status !== 200 || !a.body.byteLength) return;
  const compat = c.surface === 'compat' ? compatFormat(c.request.target) : undefined;
  const type = a.headers.get('content-type') ?? '';
  const format = compat === 'php' || compat === 'serialize' ? compat
    : c.surface === 'v1' && /php\.serialized/.test(type) ? 'serialize' : c.surface === 'v1' && /x-php/.test(type) ? 'php' : undefined;
  if (!format) return;
  into.push({ c, item: { label: `case ${c.index}`, format, envelope: c.surface === 'compat', body: a.body } });
}

/** One line per part: cases, time, what was reached. */
export function summary(r: RunReport): string {
  const statuses = Object.entries(r.statuses).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}:${n}`).join(' ');
  const codes = Object.entries(r.codes).sort(([a], [b]) => Number(a) - Number(b)).map(([k, n]) => `${k}:${n}`).join(' ');
  return `fuzz ${r.part}: seed ${r.seed}, ${r.ran} cases (${r.unsendable} not sendable by the client) in ${r.ms} ms, ` +
    `${r.failures.length} failures, ${r.judged} judged by PHP\n  answers ${statuses}\n  codes ${codes}\n` +
    `  slowest ${r.slowest.map((s) => `#${s.index} ${s.generator} ${s.ms} ms`).join(', ')}` +
    Object.entries(r.notes).map(([what, n]) => `\n  *** ${n}× ${what} ***`).join('');
}
