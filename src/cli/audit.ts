import fs from 'node:fs';
import path from 'node:path';
import { loadPublicKey, loadPublicKeys, PUBLIC_KEY_FILE } from '../audit/keys.ts';
import { writeExport, type ExportFormat } from '../audit/export.ts';
import { filterNames, type TrailFilters } from '../audit/filters.ts';
import { reportText } from '../audit/messages.ts';
import { ExportFileError, verifyExportFile, verifyStored } from '../audit/verify-trail.ts';
import { openTrailReader } from '../store/trail-reader.ts';
import { TrackLog } from '../store/track-log.ts';
import { StoreOpenError } from '../store/open-errors.ts';
import type { TrailReader } from '../store/trail-types.ts';
import { cliLang, t } from './messages.ts';

/** Exit status of `audit verify` when the trail is not intact (1 is any other failure). */
export const NOT_INTACT = 3;

export interface AuditOptions {
  dataDir: string;
  format?: string;
  export?: string;
  publicKey?: string;
  out?: string;
  filters: TrailFilters;
  /** The cluster store (postgres://…): every node's chain, verified together. */
  store?: string;
  /** A cluster: this node's chain only (export), the node the local key belongs to (verify). */
  node?: string;
}

/** This data directory's node id in a cluster, if it has one. */
function localNode(opts: AuditOptions): string | undefined {
  if (opts.node) return opts.node;
  const file = path.join(opts.dataDir, 'node-id');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** Opens the trail read-only: no lock, so it works beside a running server (or nodes, in a cluster). */
async function reader(opts: AuditOptions): Promise<TrailReader> {
  if (opts.store) {
    const { openPgAuditTrail } = await import('../store/postgres/trail-audit.ts');
    return openPgAuditTrail(opts.store, localNode(opts));
  }
  const file = path.join(opts.dataDir, 'mantra.db');
  if (!fs.existsSync(file)) throw new Error(t('no_store', { dir: opts.dataDir }));
  return openTrailReader(file);
}

/**
 * Tracks in the track log that are not in the trail yet: a killed server's (they join it when a server runs
 * again), or a running server's last few milliseconds.
 */
function pendingNote(dataDir: string, lastSeq: number) {
  let n = 0;
  for (const file of TrackLog.segments(path.join(dataDir, 'tracks'))) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (Number(line.slice(1, line.indexOf(','))) > lastSeq) n++;
  }
  if (n > 0) process.stderr.write(t('audit_pending', { n }) + '\n');
}

async function verify(opts: AuditOptions): Promise<number> {
  let report;
  if (opts.export) {
    if (!opts.publicKey) throw new Error(t('audit_needs_key'));
    try {
      report = await verifyExportFile(opts.export, loadPublicKeys(opts.publicKey)); // a cluster's: every node's key
    } catch (err) {
      if (err instanceof ExportFileError) throw new Error(t('audit_not_export', { file: opts.export, line: err.lineNo }));
      throw err;
    }
  } else {
    // A cluster's chains are checked with the keys their nodes published; the local key (or --public-key) is held
    // to this directory's node, whose chain it must verify.
    const keyFile = opts.publicKey ?? path.join(opts.dataDir, PUBLIC_KEY_FILE);
    const key = !opts.store || fs.existsSync(keyFile) ? loadPublicKey(keyFile) : undefined;
    const node = opts.store ? localNode(opts) : undefined;
    const trail = await reader(opts);
    let last = 0;
    try {
      report = await verifyStored(trail, key, { node });
      last = report.chains ? report.chains.find((c) => c.node === node)?.last ?? 0 : (await trail.bounds()).last ?? report.cut ?? 0;
    } finally {
      await trail.close();
    }
    if (!opts.store || node) pendingNote(opts.dataDir, last);
  }
  const lines = reportText(report, cliLang);
  (report.ok ? process.stdout : process.stderr).write(lines.join('\n') + '\n');
  return report.ok ? 0 : NOT_INTACT;
}

/** Writes to stdout or a file, waiting whenever the pipe is full: an export of millions of lines in little memory. */
function sink(out?: string) {
  const stream = out ? fs.createWriteStream(out, { mode: 0o600 }) : process.stdout;
  let buffer = '';
  const drain = () => new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  return {
    async write(text: string) {
      buffer += text;
      if (buffer.length < 64 * 1024) return;
      const chunk = buffer;
      buffer = '';
      if (!stream.write(chunk)) await drain();
    },
    async end() {
      if (buffer) stream.write(buffer);
      buffer = '';
      if (out) await new Promise<void>((resolve, reject) => (stream as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
    },
  };
}

async function exportTrail(opts: AuditOptions): Promise<number> {
  const format = (opts.format ?? 'ndjson') as ExportFormat;
  if (format !== 'ndjson' && format !== 'csv') throw new Error(t('audit_format'));
  const keyFile = path.join(opts.dataDir, PUBLIC_KEY_FILE);
  const keyId = !opts.store && fs.existsSync(keyFile) ? loadPublicKey(keyFile).keyId : '';
  const trail = await reader(opts);
  const out = sink(opts.out);
  let last = 0;
  try {
    const n = await writeExport(trail, { format, filters: opts.filters, keyId, write: (text) => out.write(text), node: opts.node });
    await out.end();
    last = (await trail.bounds()).last ?? 0;
    process.stderr.write(t('audit_exported', { n }) + '\n');
  } finally {
    await trail.close();
  }
  if (!opts.store || localNode(opts)) pendingNote(opts.dataDir, last);
  return 0;
}

/** `mantra audit verify|export`: read-only, beside a running server or on a copy of its data directory. */
export async function auditCommand(sub: string | undefined, opts: AuditOptions): Promise<number> {
  try {
    if (sub === 'verify') return await verify(opts);
    if (sub === 'export') return await exportTrail(opts);
  } catch (err) {
    if (err instanceof StoreOpenError) throw new Error(err.text(cliLang));
    throw err;
  }
  throw new Error(t('audit_usage'));
}

/** The filter options of `audit export`, as parsed. */
export function filtersOf(values: Record<string, unknown>): TrailFilters {
  const filters: TrailFilters = {};
  for (const name of filterNames) if (typeof values[name] === 'string') filters[name] = values[name] as string;
  return filters;
}
