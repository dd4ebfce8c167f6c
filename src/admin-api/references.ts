import type { EntityOf, Kind } from '../model/index.ts';

/** `key` and `vars`: a message of its own when the path alone does not say enough (a composite's step by name). */
type Ref = { path: string; kind: Kind; id: string; key?: 'composite_operation_missing'; vars?: Record<string, string> };

/**
 * Every reference between entities, written once: what an entity points to (checked when it is written)
 * and, read backwards, what still points to an entity (checked before it is deleted).
 */
const references: { [K in Kind]?: (e: EntityOf<K>) => Ref[] } = {
  user: (u) => (u.agency ? [{ path: 'agency', kind: 'agency', id: u.agency }] : []),
  connector: (c) => [{ path: 'agency', kind: 'agency', id: c.agency }],
  service: (s) => [{ path: 'agency', kind: 'agency', id: s.agency }],
  consumer: (c) => [{ path: 'agency', kind: 'agency', id: c.agency }],
  operation: (o) => [
    { path: 'service', kind: 'service', id: `${o.agency}/${o.service}` },
    ...(o.data ? [{ path: 'data.connector', kind: 'connector' as const, id: `${o.agency}/${o.data.connector}` }] : []),
    ...(o.proxy?.connector ? [{ path: 'proxy.connector', kind: 'connector' as const, id: `${o.agency}/${o.proxy.connector}` }] : []),
    // A composite calling itself is a cycle, which its own check names; it does not keep itself from being deleted.
    ...(o.composite?.steps ?? []).flatMap((s, i) => (s.agency === o.agency && s.service === o.service && s.operation === o.slug ? [] : [{
      path: `composite.steps.${i}.operation`, kind: 'operation' as const, id: `${s.agency}/${s.service}/${s.operation}`,
      key: 'composite_operation_missing' as const, vars: { step: s.name },
    }])),
  ],
  subscription: (s) => [
    { path: 'operation', kind: 'operation', id: `${s.agency}/${s.service}/${s.operation}` },
    { path: 'consumer', kind: 'consumer', id: s.consumer },
  ],
};

export function referencesOf<K extends Kind>(kind: K, entity: EntityOf<K>): Ref[] {
  return (references[kind] as ((e: EntityOf<K>) => Ref[]) | undefined)?.(entity) ?? [];
}

/** The references of the entity that point to nothing. */
export async function missingReferences<K extends Kind>(
  kind: K,
  entity: EntityOf<K>,
  exists: (kind: Kind, id: string) => boolean | Promise<boolean>,
): Promise<Ref[]> {
  const missing: Ref[] = [];
  for (const ref of referencesOf(kind, entity)) if (!(await exists(ref.kind, ref.id))) missing.push(ref);
  return missing;
}

/** The first kind that still refers to the entity, and how many of it do. */
export async function firstDependents(
  kind: Kind,
  id: string,
  list: (kind: Kind) => Promise<unknown[]>,
): Promise<{ kind: Kind; count: number } | undefined> {
  for (const from of Object.keys(references) as Kind[]) {
    const refs = references[from] as (e: unknown) => Ref[];
    const count = (await list(from)).filter((e) => refs(e).some((r) => r.kind === kind && r.id === id)).length;
    if (count > 0) return { kind: from, count };
  }
  return undefined;
}
