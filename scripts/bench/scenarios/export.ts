/**
 * A 1,000,000-row CSV export over v1 (`/v1/{agency}/{service}/{op}.csv`): rows per second and the server's peak
 * RSS, next to `psql -c "\copy (select ...) to stdout csv"` on the same table; then the same rows as NDJSON from
 * the same server (its RSS figure is the whole run's). Both streams are read and counted by the harness the same
 * way; each is run twice and the faster run is kept (after one psql warm-up run that brings the table into
 * PostgreSQL's cache).
 */
import { spawn } from 'node:child_process';
import { EXPORT_COLUMNS, EXPORT_TABLE, EXPORT_TOTAL, exportDatabase } from '../databases.ts';
import { startMantra, v1Headers, v1Url, type Mantra } from '../mantra.ts';
import { describeSample, notWiredNote, notWiredYet } from '../measure.ts';
import { lastLines, pinning, RssSampler, wrap } from '../processes.ts';
import type { Context, Row, Scenario } from '../types.ts';
import { errorRow, unavailableRow } from './common.ts';

const name = 'export';
const PSQL = process.env.BENCH_PSQL ?? 'psql';

interface Counted {
  lines: number;
  bytes: number;
  seconds: number;
  head: string;
}

/** Counts the lines of a byte stream, keeping its first bytes. */
async function count(stream: AsyncIterable<Uint8Array>, started: number): Promise<Counted> {
  let lines = 0, bytes = 0, head = '';
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (head.length < 300) head += buf.subarray(0, 300).toString('utf8');
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  return { lines, bytes, seconds: (performance.now() - started) / 1000, head };
}

function query(rows: number): string {
  return `select ${EXPORT_COLUMNS.join(', ')} from ${EXPORT_TABLE}${rows < EXPORT_TOTAL ? ` limit ${rows}` : ''}`;
}

async function psqlCopy(url: string, rows: number): Promise<Counted> {
  const u = new URL(url);
  const argv = wrap([PSQL, '-X', '-q', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username),
    '-d', u.pathname.slice(1), '-c', `\\copy (${query(rows)}) to stdout csv header`], pinning.server);
  const started = performance.now();
  const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } });
  let err = '';
  p.stderr.on('data', (b) => (err += b));
  const exited = new Promise<number | null>((r) => p.on('exit', r));
  const counted = await count(p.stdout, started);
  const code = await exited;
  if (code !== 0) throw new Error(`psql failed (code ${code}): ${lastLines(err)}`);
  return counted;
}

async function mantraExport(m: Mantra, rows: number, format = 'csv'): Promise<Counted & { status: number; contentType: string; body?: string }> {
  const url = v1Url(m, `export_rows.${format}`, rows < EXPORT_TOTAL ? `?limit=${rows}` : '');
  const started = performance.now();
  const res = await fetch(url, { headers: v1Headers(m), signal: AbortSignal.timeout(600_000) });
  const contentType = res.headers.get('content-type') ?? '';
  if (res.status !== 200 || !res.body) {
    return { status: res.status, contentType, body: await res.text(), lines: 0, bytes: 0, seconds: 0, head: '' };
  }
  return { status: res.status, contentType, ...(await count(res.body as any, started)) };
}

const header = EXPORT_COLUMNS.join(',');

function checkCsv(c: Counted, rows: number): string | undefined {
  const first = c.head.split(/\r?\n/)[0];
  if (first !== header) return `header is ${JSON.stringify(first.slice(0, 80))}, expected ${JSON.stringify(header)}`;
  if (c.lines - 1 !== rows) return `${(c.lines - 1).toLocaleString('en')} rows, expected ${rows.toLocaleString('en')}`;
  return undefined;
}

/** One JSON object per line, with the table's columns in order. */
function checkNdjson(c: Counted, rows: number): string | undefined {
  const first = c.head.split('\n')[0];
  if (!/^\{"id":\d+,"nik":"3201\d{12}","nama":"[^"]+","tgl_lahir":"\d{4}-\d\d-\d\d","alamat":/.test(first)) {
    return `first line is ${JSON.stringify(first.slice(0, 80))}`;
  }
  if (c.lines !== rows) return `${c.lines.toLocaleString('en')} rows, expected ${rows.toLocaleString('en')}`;
  return undefined;
}

const summary = (c: Counted, rows: number) =>
  `${rows.toLocaleString('en')} rows, ${(c.bytes / 1e6).toFixed(0)} MB in ${c.seconds.toFixed(2)} s`;

const best = <T extends { seconds: number }>(a: T, b: T) => (b.seconds < a.seconds ? b : a);

export const exportCsv: Scenario = {
  name,
  describe: '1,000,000-row CSV (then NDJSON) export over v1: rows/s and peak RSS vs psql \\copy ... to stdout csv',
  async run(ctx: Context): Promise<Row[]> {
    const rows = ctx.options.exportRows;
    const refVariant = 'psql \\copy to stdout csv';
    const variant = 'Mantra v1 .csv';
    let url: string;
    try {
      url = await exportDatabase(ctx.log);
    } catch (err) {
      return [errorRow(name, refVariant, `creating the export table failed: ${(err as Error).message}`)];
    }
    const out: Row[] = [];
    try {
      ctx.log(`${name} / ${refVariant}: ${rows.toLocaleString('en')} rows, warm-up + 2 runs`);
      await psqlCopy(url, rows);
      const c = best(await psqlCopy(url, rows), await psqlCopy(url, rows));
      const bad = checkCsv(c, rows);
      out.push(bad
        ? errorRow(name, refVariant, bad)
        : { scenario: name, variant: refVariant, status: 'reference', unit: 'rows/s', rate: rows / c.seconds, note: summary(c, rows) });
    } catch (err) {
      out.push(errorRow(name, refVariant, (err as Error).message));
    }

    let m: Mantra;
    try {
      m = await startMantra({ exportUrl: url });
    } catch (err) {
      return [...out, errorRow(name, variant, `Mantra did not start: ${lastLines((err as Error).message, 4)}`)];
    }
    try {
      if (m.refused.export_rows) return [...out, errorRow(name, variant, `the store refused the operation: ${m.refused.export_rows}`)];
      ctx.log(`${name} / ${variant}: ${rows.toLocaleString('en')} rows, 2 runs`);
      const rss = new RssSampler(m.child.pid, 20).start();
      const first = await mantraExport(m, rows);
      if (first.status !== 200) {
        rss.stop();
        const s = { status: first.status, contentType: first.contentType, body: first.body ?? '' };
        return [...out, notWiredYet(s)
          ? unavailableRow(name, variant, notWiredNote(s))
          : errorRow(name, variant, `wrong answer: ${describeSample(s)}`)];
      }
      const bad = checkCsv(first, rows) ?? (!/text\/csv/.test(first.contentType) ? `content type ${first.contentType}` : undefined);
      if (bad) {
        rss.stop();
        return [...out, errorRow(name, variant, `wrong CSV: ${bad}`)];
      }
      const second = await mantraExport(m, rows);
      const c = second.status === 200 && !checkCsv(second, rows) ? best(first, second) : first;
      const csvMem = rss.stop();
      out.push({
        scenario: name, variant, status: 'ok', unit: 'rows/s', rate: rows / c.seconds,
        peakRssMb: Math.max(csvMem.peakMb, csvMem.hwmMb), note: summary(c, rows),
      });
      ctx.log(`${name} / Mantra v1 .ndjson: ${rows.toLocaleString('en')} rows, 2 runs`);
      const rss2 = new RssSampler(m.child.pid, 20).start();
      const lines = [await mantraExport(m, rows, 'ndjson'), await mantraExport(m, rows, 'ndjson')];
      const mem = rss2.stop();
      const wrong = lines.map((l) => (l.status !== 200 ? `HTTP ${l.status}` : checkNdjson(l, rows))).find(Boolean);
      const n = best(lines[0], lines[1]);
      out.push(wrong
        ? errorRow(name, 'Mantra v1 .ndjson', `wrong NDJSON: ${wrong}`)
        : { scenario: name, variant: 'Mantra v1 .ndjson', status: 'ok', unit: 'rows/s', rate: rows / n.seconds,
          peakRssMb: Math.max(mem.peakMb, mem.hwmMb), note: `${summary(n, rows)}; RSS of the whole run` });
    } catch (err) {
      out.push(errorRow(name, variant, (err as Error).message));
    } finally {
      await m.stop();
    }
    return out;
  },
};
