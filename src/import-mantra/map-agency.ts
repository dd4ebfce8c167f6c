import { z } from '@hono/zod-openapi';
import { type Draft, draft, fit, slugFor } from './common.ts';
import type { InstanceRow } from './read.ts';

const email = z.string().email();

/**
 * An instance becomes an agency. Instance 0 (`system`) is MANTRA's own placeholder, not a government body:
 * it is imported only when something needs it (services, or consumers of its users); see plan.ts.
 */
export function mapInstance(row: InstanceRow): { draft: Draft; slug?: string } {
  const d = draft('agency', '', `instances#${row.id}`);
  d.name = row.instance;
  const slug = slugFor(row.instance, 'instance', d);
  if (!slug) return { draft: d };
  d.id = slug;
  const body: Record<string, unknown> = {
    slug,
    name: fit(row.organization.trim() || row.instance.trim(), 200, 'organization', d),
    description: fit(row.descript.trim(), 2000, 'descript', d),
    email: undefined,
    website: undefined,
  };
  if (row.email.trim()) {
    if (email.safeParse(row.email.trim()).success) body.email = row.email.trim();
    else d.warnings.push(`email "${row.email.trim()}" is not an e-mail address: left out`);
  }
  if (row.webportal.trim()) {
    const site = website(row.webportal.trim());
    if (site) body.website = site;
    else d.warnings.push(`webportal "${row.webportal.trim()}" is not a web address: left out`);
  }
  d.body = body;
  if (row.id === '0') d.onlyIfNeeded = true;
  return { draft: d, slug };
}

/** MANTRA's forms took `www.x.go.id` as well as full URLs. */
function website(text: string): string | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const url = new URL(candidate);
    return /^https?:$/.test(url.protocol) && url.hostname.includes('.') ? candidate : undefined;
  } catch {
    return undefined;
  }
}
