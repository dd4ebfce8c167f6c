import { begin, type Sql } from './connection.ts';
import { StoreOpenError } from '../open-errors.ts';

/** One component's migrations, as mantra_schema names it. */
export interface Component {
  name: string;
  migrations: string[];
}

/** Any number, the same on every node: the advisory lock that lets only one node migrate at a time. */
const MIGRATION_LOCK = 0x4d4e5452;

/**
 * Brings every component's tables to this binary's version in one transaction under a transaction-level advisory
 * lock: nodes starting together wait for each other, and a node that comes second finds the work done. A store
 * newer than this binary is refused, as the embedded store refuses one.
 */
export async function migrate(sql: Sql, components: Component[]): Promise<void> {
  await begin(sql, async (tx) => {
    // A migration may take long (an index on a large table), and so may the wait of a node that comes second:
    // not the store's everyday limits (connection.ts SERVER_TIMEOUTS). A stuck client is still ended when idle.
    await tx`set local statement_timeout = 0`;
    await tx`set local lock_timeout = 0`;
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists mantra_schema (component text primary key, version integer not null)`;
    const rows = await tx<{ component: string; version: number }[]>`select component, version from mantra_schema`;
    const current = new Map(rows.map((r) => [r.component, r.version]));
    for (const c of components) newerCheck(c, current.get(c.name) ?? 0);
    for (const c of components) {
      const from = current.get(c.name) ?? 0;
      for (let v = from; v < c.migrations.length; v++) {
        try {
          await tx.unsafe(c.migrations[v]);
        } catch (err) {
          throw new StoreOpenError('migration', { version: `${c.name} ${v + 1}`, cause: (err as Error).message });
        }
      }
      if (from < c.migrations.length) {
        await tx`insert into mantra_schema (component, version) values (${c.name}, ${c.migrations.length})
          on conflict (component) do update set version = excluded.version`;
      }
    }
  });
}

/** For a read-only opening, which may not migrate: the schema must be exactly this binary's. */
export async function checkSchema(sql: Sql, components: Component[]): Promise<void> {
  const [table] = await sql`select to_regclass('mantra_schema') as name`;
  const rows = table.name ? await sql<{ component: string; version: number }[]>`select component, version from mantra_schema` : [];
  const current = new Map(rows.map((r) => [r.component, r.version]));
  for (const c of components) {
    const version = current.get(c.name) ?? 0;
    newerCheck(c, version);
    if (version < c.migrations.length) {
      throw new StoreOpenError('outdated', { schema: `${c.name} ${version}`, expected: c.migrations.length });
    }
  }
}

function newerCheck(c: Component, version: number) {
  if (version > c.migrations.length) throw new StoreOpenError('newer', { schema: `${c.name} ${version}` });
}
