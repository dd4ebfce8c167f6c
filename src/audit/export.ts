import { GENESIS_HASH } from '../store/track-chain.ts';
import { decodeLine } from '../store/track-line.ts';
import type { TrackRecord } from '../store/types.ts';
import type { Checkpoint, TrailReader } from '../store/trail-types.ts';
import { isFiltered, type TrailFilters, trackFilter } from './filters.ts';

export type ExportFormat = 'ndjson' | 'csv';
export const EXPORT_FORMAT = 'mantra-audit-export';

/**
 * A track as exported: readable fields (the encrypted answer only inside `line`), then what verifies it without
 * Mantra: the hash before it, its own hash, and the line the hash covers (SHA-256 of prevHash + "[" + the line
 * after its first comma).
 */
export type ExportedTrack = Omit<TrackRecord, 'answer' | 'hash'> & { prevHash: string; hash: string; line: string };

export interface Page {
  items: ExportedTrack[];
  /** Pass as `after` for the next page; absent at the end of the trail. */
  next?: number;
}

const SCAN = 5000;

function exported(t: TrackRecord, prevHash: string, line: string): ExportedTrack {
  const { answer: _answer, hash, ...rest } = t;
  return { ...rest, prevHash, hash, line };
}

/** The hash before entry `seq`: the entry before it, the cut it follows, or the genesis hash. */
async function hashBefore(reader: TrailReader, seq: number, checkpoints: Checkpoint[]): Promise<string> {
  if (seq <= 1) return GENESIS_HASH;
  return (await reader.row(seq - 1))?.hash ?? checkpoints.find((c) => c.kind === 'cut' && c.seq === seq - 1)?.hash ?? '';
}

/** Walks the trail after `after` in seq order, handing each matching track to `each` until it returns false. */
async function walk(
  reader: TrailReader, filters: TrailFilters, after: number, each: (t: ExportedTrack) => boolean | Promise<boolean>,
  maxScan = Infinity,
): Promise<number | undefined> {
  const match = trackFilter(filters);
  const checkpoints = await reader.checkpoints();
  let prev: string | undefined;
  let scanned = 0;
  for (let cursor = after; ;) {
    const rows = await reader.rows(cursor, SCAN);
    if (rows.length === 0) return undefined;
    prev ??= await hashBefore(reader, rows[0].seq, checkpoints);
    for (const row of rows) {
      const t = decodeLine(row.line, row.hash);
      const before = prev;
      prev = row.hash;
      cursor = row.seq;
      scanned++;
      if (t && match(t) && !(await each(exported(t, before, row.line)))) return row.seq;
      if (scanned >= maxScan) return row.seq;
    }
  }
}

/** One page for the admin API: at most `limit` matches, scanning at most 50,000 entries per request. */
export async function readPage(reader: TrailReader, filters: TrailFilters, after: number, limit: number): Promise<Page> {
  const items: ExportedTrack[] = [];
  const next = await walk(reader, filters, after, (t) => (items.push(t), items.length < limit), 50_000);
  const last = (await reader.bounds()).last ?? 0;
  return { items, next: next !== undefined && next < last ? next : undefined };
}

const CSV_COLUMNS = ['seq', 'at', 'requestId', 'interface', 'agency', 'service', 'operation', 'consumer', 'subscription',
  'credential', 'remote', 'userAgent', 'format', 'status', 'code', 'durationMs', 'backendMs', 'bytes', 'rows', 'cache',
  'purpose', 'legalBasis', 'params', 'note', 'signature', 'answerDigest', 'hash'] as const;

function csvField(v: unknown): string {
  if (v === undefined || v === null) return '';
  const text = typeof v === 'object' ? Object.entries(v as Record<string, string>).map(([k, x]) => `${k}=${x}`).join(';') : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function csvLine(t: ExportedTrack): string {
  return CSV_COLUMNS.map((c) => csvField((t as unknown as Record<string, unknown>)[c])).join(',') + '\r\n';
}

export function ndjsonTrack(t: ExportedTrack): string {
  return JSON.stringify({ type: 'track', ...t }) + '\n';
}

/**
 * A whole export: NDJSON opens with a header and every checkpoint of the snapshot, then one line per track, and
 * closes with an `end` line (an export cut short is seen as such); CSV is one row per track, for reading. A
 * cluster trail is exported one node's chain after the other, each a section of its own (its header names the
 * node), or only `node`'s; its CSV has a `node` column first.
 */
export async function writeExport(
  reader: TrailReader,
  opts: { format: ExportFormat; filters: TrailFilters; keyId: string; write: (text: string) => void | Promise<void>; node?: string },
): Promise<number> {
  const { format, filters, write } = opts;
  if (!reader.chains || !reader.chain) return writeChain(reader, opts, format === 'csv');
  let n = 0;
  if (format === 'csv') await write('node,' + csvHeader());
  for (const chain of await reader.chains()) {
    if (opts.node !== undefined && chain.node !== opts.node) continue;
    const keyId = chain.keys.at(-1)?.keyId ?? '';
    n += await writeChain(reader.chain(chain.node), { format, filters, write, keyId, node: chain.node }, false);
  }
  return n;
}

async function writeChain(
  reader: TrailReader,
  opts: { format: ExportFormat; filters: TrailFilters; keyId: string; write: (text: string) => void | Promise<void>; node?: string },
  csvHead: boolean,
): Promise<number> {
  const { format, filters, write, node } = opts;
  let n = 0;
  if (format === 'csv') {
    const prefix = node === undefined ? '' : csvField(node) + ',';
    if (csvHead) await write(csvHeader());
    await walk(reader, filters, 0, async (t) => (await write(prefix + csvLine(t)), ++n, true));
    return n;
  }
  const partial = isFiltered(filters);
  await write(JSON.stringify({ type: 'header', format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(),
    ...(node === undefined ? {} : { node }), keyId: opts.keyId, filters, partial }) + '\n');
  for (const c of await reader.checkpoints()) await write(JSON.stringify({ type: 'checkpoint', ...c }) + '\n');
  await walk(reader, filters, 0, async (t) => (await write(ndjsonTrack(t)), ++n, true));
  await write(JSON.stringify({ type: 'end', tracks: n }) + '\n');
  return n;
}
