/** Ratios to each scenario's reference, the printed table, and bench/results.json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './mantra.ts';
import type { Options, Row } from './types.ts';

/** Sets each measured row's ratio to the rate of its scenario's reference row (same run). */
export function addRatios(rows: Row[]) {
  for (const row of rows) {
    const ref = rows.find((r) => r.scenario === row.scenario && r.status === 'reference');
    if (ref?.rate && row.rate !== undefined && (row.status === 'ok' || row === ref)) row.ratio = row.rate / ref.rate;
  }
}

/** Notes each measured row's p99 as latency added over its scenario's reference. */
export function addP99Notes(rows: Row[]) {
  const ref = rows.find((r) => r.status === 'reference');
  if (ref?.p99Ms === undefined) return;
  for (const r of rows) {
    if (r.status !== 'ok' || r.p99Ms === undefined) continue;
    const added = `p99 +${(r.p99Ms - ref.p99Ms).toFixed(2)} ms over the reference`;
    r.note = r.note ? `${added}; ${r.note}` : added;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * One row per variant from several rounds of a scenario (ratios already set per round): the median of each
 * figure, the highest RSS, the rounds' ratio range in the note. A round that failed makes the row an error.
 */
export function mergeRounds(rounds: Row[][]): Row[] {
  if (rounds.length === 1) return rounds[0];
  const keys = [...new Set(rounds.flat().map((r) => `${r.scenario}\u0000${r.variant}`))];
  return keys.map((key) => {
    const all = rounds.flat().filter((r) => `${r.scenario}\u0000${r.variant}` === key);
    const failed = all.find((r) => r.status === 'error' || r.status === 'not available yet');
    if (failed) return failed;
    const med = (pick: (r: Row) => number | undefined) => {
      const xs = all.map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x));
      return xs.length ? median(xs) : undefined;
    };
    const ratios = all.map((r) => r.ratio).filter((x): x is number => x !== undefined);
    const spread = ratios.length > 1 && all[0].status !== 'reference'
      ? `ratio ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} over ${all.length} rounds`
      : `${all.length} rounds`;
    return {
      ...all[0],
      rate: med((r) => r.rate),
      p50Ms: med((r) => r.p50Ms),
      p99Ms: med((r) => r.p99Ms),
      peakRssMb: all.some((r) => r.peakRssMb !== undefined) ? Math.max(...all.map((r) => r.peakRssMb ?? 0)) : undefined,
      cpuUsPerReq: med((r) => r.cpuUsPerReq),
      cpuBusy: med((r) => r.cpuBusy),
      ratio: med((r) => r.ratio),
      requests: all.reduce((n, r) => n + (r.requests ?? 0), 0),
      errors: all.reduce((n, r) => n + (r.errors ?? 0), 0),
      note: [spread, ...new Set(all.map((r) => r.note).filter(Boolean))].join('; '),
    };
  });
}

const num = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
const ms = (n?: number) => (n === undefined ? '' : n < 10 ? n.toFixed(2) : n.toFixed(1));

function cells(r: Row): string[] {
  const measured = r.rate !== undefined && (r.status === 'ok' || r.status === 'reference' || r.status === 'error');
  return [
    r.scenario,
    r.variant + (r.status === 'reference' ? ' (ref)' : ''),
    measured ? `${num(r.rate!)}${r.unit === 'rows/s' ? ' rows/s' : ''}` : '',
    ms(r.p50Ms),
    ms(r.p99Ms),
    r.peakRssMb !== undefined ? r.peakRssMb.toFixed(0) : '',
    r.cpuUsPerReq !== undefined ? `${r.cpuUsPerReq.toFixed(1)} (${Math.round(r.cpuBusy! * 100)}%)` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : '',
    r.status === 'ok' || r.status === 'reference' ? (r.note ?? '') : `${r.status.toUpperCase()}${r.note ? ': ' + r.note : ''}`,
  ];
}

const HEAD = ['scenario', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'CPU µs/req', 'ratio', 'notes'];

/** A plain-text table; `markdown` gives the same as a Markdown table (for the README). */
export function renderTable(rows: Row[], markdown = false): string {
  const body = rows.map(cells);
  if (markdown) {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return [
      `| ${HEAD.join(' | ')} |`,
      `|${HEAD.map((_, i) => (i >= 2 && i <= 7 ? '---:' : '---')).join('|')}|`,
      ...body.map((c) => `| ${c.map(esc).join(' | ')} |`),
    ].join('\n');
  }
  const width = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => (i === 8 ? 0 : c[i].length))));
  const line = (c: string[]) =>
    c.map((s, i) => (i === 8 ? s : i >= 2 && i <= 7 ? s.padStart(width[i]) : s.padEnd(width[i]))).join('  ').trimEnd();
  return [line(HEAD), line(width.map((w, i) => (i === 8 ? '-----' : '-'.repeat(w)))), ...body.map(line)].join('\n');
}

function firstLine(cmd: string, args: string[], cwd?: string): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] || undefined;
}

export function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    model,
    memoryGb: Math.round((memKb / 1024 / 1024) * 10) / 10,
    kernel: os.release(),
  };
}

export function versions(tools: { nginx: string; wrk: string; psql: string }) {
  return {
    bun: (globalThis as { Bun?: { version: string } }).Bun?.version,
    node: firstLine('node', ['--version']),
    nginx: firstLine(tools.nginx, ['-v'])?.replace(/^nginx version:\s*/, ''),
    wrk: firstLine(tools.wrk, ['-v'])?.split(' Copyright')[0],
    postgresql: firstLine(tools.psql, ['-X', '-At', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', 'show server_version']),
    mariadb: firstLine('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-N', '-e', 'select version()']),
  };
}

export function writeResults(file: string, data: { date: string; options: Options; pinned: boolean; rows: Row[]; tools: Parameters<typeof versions>[0] }) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const doc = {
    date: data.date,
    machine: machine(),
    commit: firstLine('git', ['describe', '--always', '--dirty'], ROOT),
    runtime: versions(data.tools),
    options: data.options,
    pinning: data.pinned ? 'server CPU 0, wrk CPU 1' : 'none',
    rows: data.rows,
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return doc;
}
