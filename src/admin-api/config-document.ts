import path from 'node:path';
import { z } from '@hono/zod-openapi';
import { type EntityOf, type Kind, kindNames, kinds } from '../model/index.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Store, Stored } from '../store/types.ts';
import { missingReferences } from './references.ts';
import { sameBody } from './same-body.ts';
import { opens, plainSecrets, sealedSecrets, sealImported } from './secret-fields.ts';
import { documentIssues } from './confinement.ts';
import { compositeImportIssues } from './composite-checks.ts';
import { Settings } from '../model/settings.ts';

export const CONFIG_NOTE =
  'Secrets (values starting with "enc:v1:") are encrypted with the master key of the installation that exported ' +
  'them and decrypt only with that same key (MANTRA_MASTER_KEY or master.key in the data directory). Access-key ' +
  'hashes are keyed with that master key too. Password and key hashes are hashes: no password or key is in here.';

type Entities = { [K in Kind]: EntityOf<K>[] };

export interface ConfigDocument {
  mantra: 'config';
  version: 1;
  exportedAt: string;
  note: string;
  entities: Entities;
}

/** The document schema, built from the kinds registry: every kind is a list of its own entities. */
const ConfigDocumentSchema = z
  .object({
    mantra: z.literal('config'),
    version: z.literal(1),
    exportedAt: z.string().optional(),
    note: z.string().optional(),
    entities: z.object(Object.fromEntries(kindNames.map((k) => [k, z.array(kinds[k].schema).default([])]))).strict(),
  })
  .strict();

export type ImportCounts = Record<Kind, { created: number; updated: number; unchanged: number; deleted: number }>;

export class ConfigImportError extends Error {
  constructor(message: string, readonly issues: { path: string; message: string }[]) {
    super(`${message}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** Every configuration entity (sessions excluded), in dependency order; secrets stay encrypted. */
export async function exportConfig(store: Store): Promise<ConfigDocument> {
  const entities = {} as Record<Kind, unknown[]>;
  for (const kind of kindNames) entities[kind] = (await store.list(kind)).map((s) => s.body);
  return { mantra: 'config', version: 1, exportedAt: new Date().toISOString(), note: CONFIG_NOTE, entities: entities as Entities };
}

const idOf = (kind: Kind, e: unknown) => (kinds[kind].id as (e: unknown) => string)(e);

/**
 * Writes a configuration document, all or nothing: it is validated whole first (schemas, unique ids, references,
 * secrets), then written in one transaction. Entities whose body is unchanged are skipped (their version stays),
 * so importing the same document twice changes nothing. `replace` also deletes what the document does not hold.
 * With `secrets`, plain-text secrets are encrypted and encrypted ones must open with this master key; without
 * it, plain-text secrets are refused so they never reach the store. File connectors and internal proxy backends
 * follow the settings the import leaves in place, as in the admin API (`dataDir`: the store's folder by default).
 */
export async function importConfig(
  store: Store,
  doc: unknown,
  opts: { replace?: boolean; secrets?: Secrets; dataDir?: string } = {},
): Promise<ImportCounts> {
  const parsed = ConfigDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    throw new ConfigImportError('invalid config document', parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}` : i.message,
    })));
  }
  const entities = parsed.data.entities as unknown as Entities;
  const current = new Map<Kind, Map<string, Stored>>();
  for (const kind of kindNames) current.set(kind, new Map((await store.list(kind)).map((s) => [s.id, s as Stored])));

  const issues: { path: string; message: string }[] = [];
  const incoming = new Map<Kind, Set<string>>();
  for (const kind of kindNames) {
    const ids = new Set<string>();
    entities[kind].forEach((e, i) => {
      const id = idOf(kind, e);
      if (ids.has(id)) issues.push({ path: `entities.${kind}.${i}`, message: `duplicate ${kind} ${id}` });
      ids.add(id);
      for (const path of plainSecrets(kind, e)) {
        if (!opts.secrets) issues.push({ path: `entities.${kind}.${i}.${path}`, message: 'plain-text secret: import with the master key to encrypt it' });
      }
      for (const { path, value } of opts.secrets ? sealedSecrets(kind, e) : []) {
        if (opens(opts.secrets!, value) === undefined) {
          issues.push({ path: `entities.${kind}.${i}.${path}`, message: 'encrypted with another master key' });
        }
      }
    });
    incoming.set(kind, ids);
  }
  // References must hold in the state after the import.
  const exists = (kind: Kind, id: string) => incoming.get(kind)!.has(id) || (!opts.replace && current.get(kind)!.has(id));
  for (const kind of kindNames) {
    for (const [i, e] of entities[kind].entries()) {
      for (const ref of await missingReferences(kind, e, exists)) {
        issues.push({ path: `entities.${kind}.${i}.${ref.path}`, message: `${ref.kind} "${ref.id}" does not exist` });
      }
    }
  }
  // The settings after the import: the document's, else (merging) the stored ones, else the defaults.
  const kept = opts.replace ? undefined : (current.get('settings')!.get('settings')?.body as Settings | undefined);
  const settings = entities.settings[0] ?? kept ?? Settings.parse({});
  issues.push(...await documentIssues(entities, settings, opts.dataDir ?? path.dirname(store.path)));
  // Composites as saving checks them, over the operations as the import leaves them.
  const opAfter = (id: string) =>
    entities.operation.find((o) => idOf('operation', o) === id) ?? (opts.replace ? undefined : current.get('operation')!.get(id)?.body as EntityOf<'operation'>);
  issues.push(...await compositeImportIssues(entities.operation, opAfter));
  if (issues.length) throw new ConfigImportError('config document not imported', issues);

  const counts = Object.fromEntries(kindNames.map((k) => [k, { created: 0, updated: 0, unchanged: 0, deleted: 0 }])) as ImportCounts;
  await store.transaction(async () => {
    for (const kind of kindNames) {
      for (const e of entities[kind]) {
        const existing = current.get(kind)!.get(idOf(kind, e));
        const body = opts.secrets ? sealImported(kind, e, opts.secrets, existing?.body) : e;
        if (!existing) {
          await store.put(kind, body, 0);
          counts[kind].created++;
        } else if (sameBody(existing.body, body)) {
          counts[kind].unchanged++;
        } else {
          await store.put(kind, body, existing.version);
          counts[kind].updated++;
        }
      }
    }
    if (!opts.replace) return;
    for (const kind of [...kindNames].reverse()) {
      for (const id of current.get(kind)!.keys()) {
        if (incoming.get(kind)!.has(id)) continue;
        await store.remove(kind, id);
        counts[kind].deleted++;
      }
    }
  });
  return counts;
}
