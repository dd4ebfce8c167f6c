/** What the mappers produce and the plan decides on: one draft per Mantra entity, with where it came from. */
import type { Kind } from '../model/index.ts';
import { operationSlug, slug } from '../model/slug.ts';

export interface Draft {
  kind: Kind;
  id: string;
  /** Where it came from in MANTRA, e.g. `methods#12`. */
  from: string;
  /** MANTRA's own name, shown when the item gets no Mantra name. */
  name?: string;
  /** The fields the import owns, before schema defaults; secrets in plain text (sealed by the plan). */
  body?: Record<string, unknown>;
  /** Keys (kind:id) of the items that must be imported first. */
  needs: string[];
  /** Why it cannot be imported; any problem skips the item. */
  problems: string[];
  warnings: string[];
  /** Connectors: the database as MANTRA named it, before --rewrite-host (matches it again on a re-run). */
  origin?: string;
  /** Program methods: PHP source too long for the note, written beside the store at this relative path. */
  program?: { file: string; source: string };
  /** MANTRA's instance 0: imported only when something needs it. */
  onlyIfNeeded?: boolean;
}

export const itemKey = (kind: Kind, id: string) => `${kind}:${id}`;

export function draft(kind: Kind, id: string, from: string, body?: Record<string, unknown>): Draft {
  return { kind, id, from, body, needs: [], problems: [], warnings: [] };
}

/** MANTRA's names as Mantra slugs: lowercase, with anything else than [a-z0-9_-] turned into "-". */
export function toSlug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 64);
}

/** The slug for a MANTRA name, or a problem: names that change are reported, since callers use them in URLs. */
export function slugFor(name: string, what: string, d: Draft): string | undefined {
  const s = name.trim().toLowerCase();
  if (slug.safeParse(s).success) {
    if (s !== name) d.warnings.push(`${what} "${name}" becomes "${s}" (Mantra names are lowercase); callers must use "${s}" in URLs`);
    return s;
  }
  d.problems.push(`${what} "${name}" cannot be a Mantra name (lowercase letters, digits, "_" or "-", starting with a letter or digit)`);
  return undefined;
}

export function operationSlugFor(name: string, d: Draft): string | undefined {
  const r = operationSlug.safeParse(name.trim());
  if (r.success) return r.data;
  d.problems.push(`method name "${name}" cannot be an operation name: ${r.error.issues[0]?.message}`);
  return undefined;
}

/** Text fields have limits in Mantra; longer MANTRA text is cut with a warning rather than refused. */
export function fit(text: string, max: number, what: string, d: Draft): string {
  if (text.length <= max) return text;
  d.warnings.push(`${what} is longer than ${max} characters: cut`);
  return text.slice(0, max);
}
