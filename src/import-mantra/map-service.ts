import { type Draft, draft, fit, itemKey, slugFor } from './common.ts';
import type { ServiceRow } from './read.ts';

/** A service ("direktori operasi") of an instance. MANTRA's servicetype (provider|publisher) has no Mantra field. */
export function mapService(row: ServiceRow, agency: string | undefined): { draft: Draft; slug?: string } {
  const d = draft('service', '', `services#${row.id}`);
  d.name = row.servicename;
  const slug = slugFor(row.servicename, 'service', d);
  if (agency === undefined) d.problems.push(`its instance #${row.instanceid} was not imported`);
  if (!slug || agency === undefined) return { draft: d };
  d.id = `${agency}/${slug}`;
  d.needs.push(itemKey('agency', agency));
  d.body = { agency, slug, name: fit(row.servicename.trim(), 200, 'servicename', d), description: fit(row.descript.trim(), 4000, 'descript', d) };
  return { draft: d, slug };
}
