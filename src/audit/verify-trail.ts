import fs from 'node:fs';
import readline from 'node:readline';
import { createPublicKey } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { decodeLine } from '../store/track-line.ts';
import type { Checkpoint, TrailReader } from '../store/trail-types.ts';
import { EXPORT_FORMAT } from './export.ts';
import { type ChainReport, ChainVerifier, type VerifyKey, type VerifyReport } from './verify.ts';
import { keyIdOf } from './keys.ts';

export type { VerifyKey } from './verify.ts';

export interface VerifyOptions {
  /** Hands the event loop back between chunks (the admin API's server). */
  yieldEvery?: boolean;
  /**
   * A cluster trail: the node whose chain `key` verifies (the key held in that node's data directory); the other
   * chains are verified with the keys their nodes published in the store.
   */
  node?: string;
}

/**
 * Verifies a stored trail: its one chain with `key`, or (a cluster) every node's chain, each with its node's keys.
 * A cluster's report sums the chains and names the node of the first bad one.
 */
export async function verifyStored(reader: TrailReader, key: VerifyKey | undefined, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (!reader.chains || !reader.chain) {
    if (!key) throw new Error('no public key to verify the trail with');
    return verifyChain(reader, [key], opts);
  }
  const chains: ChainReport[] = [];
  for (const chain of await reader.chains()) {
    let keys: VerifyKey[] = chain.keys.flatMap(({ publicKey }) => {
      try {
        const k = createPublicKey(publicKey);
        return [{ publicKey: k, keyId: keyIdOf(k) }]; // the id as computed here, not as the table says
      } catch {
        return []; // an unreadable key verifies nothing: its checkpoints show as bad signatures
      }
    });
    if (key && opts.node === chain.node) keys = [key];
    const chainReader = reader.chain(chain.node);
    let report = await verifyChain(chainReader, keys, opts);
    if (report.problem?.kind === 'missing' || report.problem?.kind === 'head_missing') {
      // The node's retention may have cut its chain while it was read: read it again with the cuts as they are now.
      const again = await verifyChain(chainReader, keys, opts);
      if (again.cut !== report.cut) report = again;
    }
    chains.push({ node: chain.node, keyIds: keys.map((k) => k.keyId), ...report });
  }
  return clusterReport(chains);
}

function clusterReport(chains: ChainReport[]): VerifyReport {
  const bad = chains.find((c) => !c.ok);
  const sum = (f: (c: ChainReport) => number) => chains.reduce((n, c) => n + f(c), 0);
  return {
    ok: !bad, tracks: sum((c) => c.tracks), checkpoints: sum((c) => c.checkpoints), unsigned: sum((c) => c.unsigned),
    partial: false, problem: bad?.problem && { ...bad.problem, node: bad.node }, chains,
  };
}

async function verifyChain(reader: TrailReader, keys: VerifyKey[], opts: VerifyOptions): Promise<VerifyReport> {
  const verifier = new ChainVerifier(keys, await reader.checkpoints());
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

interface Section {
  header: { partial?: boolean; node?: string };
  checkpoints: Checkpoint[];
  verifier?: ChainVerifier;
  ended: boolean;
  lastSeq: number;
  /** Set once the section is known bad in a way the verifier does not see (fields differing from the line). */
  report?: VerifyReport;
}

function sectionReport(s: Section, keys: VerifyKey[]): VerifyReport {
  if (s.report) return s.report;
  s.verifier ??= new ChainVerifier(keys, s.checkpoints, { partial: !!s.header.partial });
  const report = s.verifier.finish();
  if (report.ok && !s.ended) return { ...report, ok: false, problem: { kind: 'truncated', seq: s.lastSeq + 1, detail: 'export' } };
  return report;
}

/**
 * Verifies an exported trail (NDJSON from `mantra audit export`) with nothing but the public key(s): the file's
 * own key ids count for nothing, only the keys given. An export whose end line is missing was cut short. A
 * cluster's export holds one section per node (a header naming the node … its end line), each verified as a
 * chain of its own; `keys` then holds every node's key (their audit-signing.pub files, one after the other).
 */
export async function verifyExportFile(file: string, key: VerifyKey | VerifyKey[]): Promise<VerifyReport> {
  const keys = Array.isArray(key) ? key : [key];
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  const sections: Section[] = [];
  let s: Section | undefined;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    let entry: Record<string, any>;
    try {
      entry = JSON.parse(text);
    } catch {
      throw new ExportFileError('bad_line', lineNo);
    }
    if (!s || (s.ended && entry.type === 'header')) {
      if (entry.type !== 'header' || entry.format !== EXPORT_FORMAT) throw new ExportFileError('not_export', lineNo);
      if (s && (typeof entry.node !== 'string' || typeof s.header.node !== 'string')) throw new ExportFileError('bad_line', lineNo);
      sections.push((s = { header: entry, checkpoints: [], ended: false, lastSeq: 0 }));
      continue;
    }
    if (s.ended || s.report) {
      if (entry.type === 'end') s.ended = true; // a bad section is not read further; after its end, another header
      continue;
    }
    if (entry.type === 'checkpoint' && !s.verifier) {
      s.checkpoints.push({ seq: entry.seq, kind: entry.kind, at: entry.at, hash: entry.hash, keyId: entry.keyId, signature: entry.signature });
      continue;
    }
    s.verifier ??= new ChainVerifier(keys, s.checkpoints, { partial: !!s.header.partial });
    if (entry.type === 'end') {
      s.ended = true;
      continue;
    }
    if (entry.type !== 'track' || typeof entry.line !== 'string') throw new ExportFileError('bad_line', lineNo);
    if (!s.verifier.add({ seq: entry.seq, line: entry.line, hash: entry.hash, prevHash: entry.prevHash })) {
      s.report = s.verifier.finish();
      continue;
    }
    if (!sameAsLine(entry, entry.line)) {
      const report = s.verifier.finish();
      s.report = { ...report, ok: false, problem: { kind: 'edited', seq: entry.seq, requestId: decodeLine(entry.line)?.requestId, detail: 'fields' } };
      continue;
    }
    s.lastSeq = entry.seq;
  }
  if (!s) throw new ExportFileError('not_export', lineNo);
  if (sections.length === 1 && s.header.node === undefined) return sectionReport(s, keys);
  return clusterReport(sections.map((x) => ({ node: x.header.node ?? '', keyIds: keys.map((k) => k.keyId), ...sectionReport(x, keys) })));
}
