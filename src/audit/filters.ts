import type { TrackRecord } from '../store/types.ts';

/** What an export or a page of the trail is narrowed to; all given ones must match. */
export interface TrailFilters {
  agency?: string;
  service?: string;
  /** An operation's slug, or `agency/service/operation`. */
  operation?: string;
  /** A consumer (`agency/slug`), or an admin user for admin requests. */
  consumer?: string;
  interface?: string;
  /** An HTTP status, or `ok` / `error` (MANTRA code 200 or not). */
  status?: string;
  /** ISO times: tracks that started in [from, to). */
  from?: string;
  to?: string;
}

export const filterNames = ['agency', 'service', 'operation', 'consumer', 'interface', 'status', 'from', 'to'] as const;

export function isFiltered(f: TrailFilters): boolean {
  return filterNames.some((n) => f[n] !== undefined && f[n] !== '');
}

/** A predicate over tracks, built once per export. */
export function trackFilter(f: TrailFilters): (t: TrackRecord) => boolean {
  const tests: ((t: TrackRecord) => boolean)[] = [];
  if (f.agency) tests.push((t) => t.agency === f.agency);
  if (f.service) tests.push((t) => t.service === f.service);
  if (f.operation) {
    const op = f.operation;
    tests.push(op.includes('/') ? (t) => `${t.agency}/${t.service}/${t.operation}` === op : (t) => t.operation === op);
  }
  if (f.consumer) tests.push((t) => t.consumer === f.consumer);
  if (f.interface) tests.push((t) => t.interface === f.interface);
  if (f.status === 'ok') tests.push((t) => t.status < 400 && (t.code === 200 || t.code === 0));
  else if (f.status === 'error') tests.push((t) => t.status >= 400 || (t.code !== 200 && t.code !== 0));
  else if (f.status) tests.push((t) => String(t.status) === f.status);
  if (f.from) tests.push((t) => t.at >= f.from!);
  if (f.to) tests.push((t) => t.at < f.to!);
  return (t) => tests.every((test) => test(t));
}
