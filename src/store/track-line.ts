import type { TrackInput, TrackRecord } from './types.ts';

/**
 * A track as one line of JSON, the form the hash chain covers byte for byte: in the track log, in the tracks table
 * and in an export. `[seq, 2, at, requestId, …]` since schema 4; lines of schema 1–3 (`[seq, at, …]`, parameter
 * names only) are read as they are and never rewritten, so their hashes still hold.
 */
export const LINE_VERSION = 2;

const required = ['at', 'requestId', 'interface', 'agency', 'service', 'operation', 'remote', 'userAgent', 'format'] as const;

const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
const str = (v: string | undefined) => (v === undefined ? null : v);

/** Parameters as a flat `[name, value, …]` list: an object would reorder integer-like names on the way back. */
function pairs(params: Record<string, string> | string | undefined): string[] | null {
  if (!params) return null;
  // Names only, comma-separated, as tracks held them before schema 4.
  if (typeof params === 'string') return params.split(',').filter(Boolean).flatMap((name) => [name, '-']);
  const out: string[] = [];
  for (const name in params) out.push(name, params[name]);
  return out;
}

/** The line of a track (without its newline); throws for a track the trail would refuse. */
export function encodeLine(seq: number, t: TrackInput): string {
  for (const name of required) if (typeof t[name] !== 'string') throw new TypeError(`track without ${name}`);
  if (!Number.isFinite(t.status) || !Number.isFinite(t.code) || !Number.isFinite(t.durationMs)) {
    throw new TypeError('track without status, code or duration');
  }
  return JSON.stringify([seq, LINE_VERSION, t.at, t.requestId, t.interface, t.agency, t.service, t.operation,
    str(t.subscription), str(t.consumer), str(t.credential), t.remote, t.userAgent, t.format, t.status, t.code,
    t.durationMs, num(t.backendMs), num(t.bytes), num(t.rows), str(t.cache), str(t.purpose), str(t.legalBasis),
    pairs(t.params), str(t.note), str(t.signature), str(t.answerDigest), str(t.answer)]);
}

/** What the chain hashes of a line: the line without its seq (`[` + the columns), after the previous hash. */
export function chainText(prevHash: string, line: string): string {
  return prevHash + '[' + line.slice(line.indexOf(',') + 1);
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** A stored line as a track; undefined for a line that is not one (torn by a crash, or edited beyond reading). */
export function decodeLine(line: string, hash = ''): TrackRecord | undefined {
  let row: unknown[];
  try {
    row = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(row) || typeof row[0] !== 'number') return undefined;
  if (row[1] === LINE_VERSION && row.length === 28) return decodeV2(row as any[], hash);
  if (typeof row[1] === 'string' && row.length === 18) return decodeV1(row as any[], hash);
  return undefined;
}

function decodeV2(r: any[], hash: string): TrackRecord {
  let params: Record<string, string> | undefined;
  if (Array.isArray(r[23])) {
    params = {};
    for (let i = 0; i + 1 < r[23].length; i += 2) params[r[23][i]] = r[23][i + 1];
  }
  return {
    seq: r[0], v: 2, at: r[2], requestId: r[3], interface: r[4], agency: r[5], service: r[6], operation: r[7],
    subscription: opt(r[8]), consumer: opt(r[9]), credential: opt(r[10]), remote: r[11], userAgent: r[12], format: r[13],
    status: r[14], code: r[15], durationMs: r[16], backendMs: opt(r[17]), bytes: opt(r[18]), rows: opt(r[19]),
    cache: opt(r[20]), purpose: opt(r[21]), legalBasis: opt(r[22]), params, note: opt(r[24]), signature: opt(r[25]),
    answerDigest: opt(r[26]), answer: opt(r[27]), hash,
  };
}

/** Schema 1–3 lines kept parameter names only, comma-separated. */
function decodeV1(r: any[], hash: string): TrackRecord {
  let params: Record<string, string> | undefined;
  if (typeof r[16] === 'string') {
    params = {};
    for (const name of r[16].split(',')) if (name) params[name] = '-';
  }
  return {
    seq: r[0], v: 1, at: r[1], requestId: r[2], interface: r[3], agency: r[4], service: r[5], operation: r[6],
    subscription: opt(r[7]), consumer: opt(r[8]), remote: r[9], userAgent: r[10], format: r[11], status: r[12],
    code: r[13], durationMs: r[14], rows: opt(r[15]), params, note: opt(r[17]), hash,
  };
}

/** A schema 1–3 row of the old tracks table as the line it was logged as (JSON round-trips exactly). */
export function v1Line(r: Record<string, any>): string {
  return JSON.stringify([r.seq, r.at, r.request_id, r.interface, r.agency, r.service, r.operation, r.subscription,
    r.consumer, r.remote, r.user_agent, r.format, r.status, r.code, r.duration_ms, r.rows, r.params, r.note]);
}
