import { setImmediate } from 'node:timers';
import { decodeLine } from '../store/track-line.ts';
import type { TrailReader } from '../store/trail-types.ts';
import type { ParamHasher } from './param-hash.ts';

/** One call that asked about the value: who, when, what for, and which parameters carried it. */
export interface SubjectCall {
  seq: number;
  at: string;
  requestId: string;
  interface: string;
  agency: string;
  service: string;
  operation: string;
  consumer?: string;
  subscription?: string;
  remote: string;
  purpose?: string;
  legalBasis?: string;
  status: number;
  code: number;
  params: string[];
}

const CHUNK = 50_000;

/**
 * A data-subject access report (UU 27/2022): every call whose parameters held `value` (e.g. a NIK), found by its
 * keyed hash, so the trail never needs the value itself. Tracks written before schema 4 kept no values and cannot
 * be found. Searches in chunks and hands the event loop back between them.
 */
export async function subjectReport(reader: TrailReader, hasher: ParamHasher, value: string, limit = 10_000): Promise<{ calls: SubjectCall[]; truncated: boolean }> {
  const marker = hasher.marker(value);
  const mark = marker.slice(1, -1);
  const { first, last } = await reader.bounds();
  const calls: SubjectCall[] = [];
  if (first === undefined || last === undefined) return { calls, truncated: false };
  for (let after = first - 1; after < last; after += CHUNK) {
    for (const row of await reader.find(marker, after, after + CHUNK)) {
      const t = decodeLine(row.line);
      if (!t) continue;
      if (calls.length === limit) return { calls, truncated: true };
      calls.push({
        seq: t.seq, at: t.at, requestId: t.requestId, interface: t.interface, agency: t.agency, service: t.service,
        operation: t.operation, consumer: t.consumer, subscription: t.subscription, remote: t.remote, purpose: t.purpose,
        legalBasis: t.legalBasis, status: t.status, code: t.code,
        params: Object.entries(t.params ?? {}).filter(([, v]) => v === mark).map(([name]) => name),
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { calls, truncated: false };
}
