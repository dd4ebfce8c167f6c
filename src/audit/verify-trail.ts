import fs from 'node:fs';
import readline from 'node:readline';
import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { decodeLine } from '../store/track-line.ts';
import type { Checkpoint, TrailReader } from '../store/trail-types.ts';
import { EXPORT_FORMAT } from './export.ts';
import { ChainVerifier, type VerifyReport } from './verify.ts';

export interface VerifyKey {
  publicKey: KeyObject;
  keyId: string;
}

/** Verifies a stored trail; `yieldEvery` hands the event loop back between chunks (the admin API's server). */
export async function verifyStored(reader: TrailReader, key: VerifyKey, opts: { yieldEvery?: boolean } = {}): Promise<VerifyReport> {
  const verifier = new ChainVerifier(key.publicKey, key.keyId, await reader.checkpoints());
  for (let after = 0; !verifier.failed;) {
    const rows = await reader.rows(after, 5000);
    if (rows.length === 0) break;
    for (const row of rows) if (!verifier.add(row)) break;
    after = rows[rows.length - 1].seq;
    if (opts.yieldEvery) await new Promise((resolve) => setImmediate(resolve));
  }
  return verifier.finish();
}

/** The readable fields of an exported track must say what its verified line says. */
function sameAsLine(entry: Record<string, unknown>, line: string): boolean {
  const t = decodeLine(line) as Record<string, unknown> | undefined;
  if (!t) return true; // the verifier reports an unreadable line itself
  for (const [name, value] of Object.entries(t)) {
    if (name === 'answer' || name === 'hash') continue;
    if (JSON.stringify(entry[name]) !== JSON.stringify(value)) return false;
  }
  return true;
}

export class ExportFileError extends Error {
  constructor(readonly reason: 'not_export' | 'bad_line', readonly lineNo: number) {
    super(`${reason} at line ${lineNo}`);
  }
}

/**
 * Verifies an exported trail (NDJSON from `mantra audit export`) with nothing but the public key: the file's own
 * key id counts for nothing, only the key given. An export whose end line is missing was cut short.
 */
export async function verifyExportFile(file: string, key: VerifyKey): Promise<VerifyReport> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let header: { partial?: boolean } | undefined;
  const checkpoints: Checkpoint[] = [];
  let verifier: ChainVerifier | undefined;
  let ended = false;
  let lastSeq = 0;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    let entry: Record<string, any>;
    try {
      entry = JSON.parse(text);
    } catch {
      throw new ExportFileError('bad_line', lineNo);
    }
    if (!header) {
      if (entry.type !== 'header' || entry.format !== EXPORT_FORMAT) throw new ExportFileError('not_export', lineNo);
      header = entry;
      continue;
    }
    if (entry.type === 'checkpoint' && !verifier) {
      checkpoints.push({ seq: entry.seq, kind: entry.kind, at: entry.at, hash: entry.hash, keyId: entry.keyId, signature: entry.signature });
      continue;
    }
    verifier ??= new ChainVerifier(key.publicKey, key.keyId, checkpoints, { partial: !!header.partial });
    if (entry.type === 'end') {
      ended = true;
      break;
    }
    if (entry.type !== 'track' || typeof entry.line !== 'string') throw new ExportFileError('bad_line', lineNo);
    if (!verifier.add({ seq: entry.seq, line: entry.line, hash: entry.hash, prevHash: entry.prevHash })) break;
    if (!sameAsLine(entry, entry.line)) {
      const report = verifier.finish();
      return { ...report, ok: false, problem: { kind: 'edited', seq: entry.seq, requestId: decodeLine(entry.line)?.requestId, detail: 'fields' } };
    }
    lastSeq = entry.seq;
  }
  if (!header) throw new ExportFileError('not_export', lineNo);
  verifier ??= new ChainVerifier(key.publicKey, key.keyId, checkpoints, { partial: !!header.partial });
  const report = verifier.finish();
  if (report.ok && !ended) return { ...report, ok: false, problem: { kind: 'truncated', seq: lastSeq + 1, detail: 'export' } };
  return report;
}
