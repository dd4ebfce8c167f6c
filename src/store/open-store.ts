import type { Store } from './types.ts';
import { openSqliteStore } from './sqlite.ts';
import { isPostgresUrl } from './postgres/url.ts';
import { PgStoreError } from './postgres/errors.ts';

export interface OpenStoreOptions {
  dataDir: string;
  /** `postgres://…` for the cluster store (--store, MANTRA_STORE); absent = the embedded SQLite file in dataDir. */
  store?: string;
  readOnly?: boolean;
  /** The cluster store's node id instead of DATA/node-id (--node, MANTRA_NODE). */
  node?: string;
  /**
   * A command writing configuration, not a serving node: the cluster store then registers no node (no heartbeat,
   * no chain of its own: postgres/open.ts `tool`). The embedded store has nothing to register.
   */
  tool?: boolean;
}

/** The one way commands and the server open a store: the embedded file by default, PostgreSQL when told. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  if (!opts.store) return openSqliteStore(opts.dataDir, { readOnly: opts.readOnly });
  if (!isPostgresUrl(opts.store)) throw new PgStoreError('url');
  // Loaded on use: a single-node installation never loads the cluster store.
  const { openPostgresStore } = await import('./postgres/index.ts');
  return openPostgresStore(opts.store, { dataDir: opts.dataDir, readOnly: opts.readOnly, node: opts.node, tool: opts.tool });
}
