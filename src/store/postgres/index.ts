import { openPgStore, type PgOpenOptions } from './open.ts';
import type { PostgresStore } from './store.ts';
import { openPgTrail } from './trail.ts';
import { trailMigrations } from './trail-schema.ts';

export { PgStoreError } from './errors.ts';
export { isPostgresUrl } from './url.ts';

/** The cluster store: configuration and sessions (store.ts) with the trail and statistics in PostgreSQL (trail.ts). */
export function openPostgresStore(url: string, opts: PgOpenOptions): Promise<PostgresStore> {
  return openPgStore(url, opts, { migrations: trailMigrations, open: (sql, ctx) => openPgTrail(sql, ctx) });
}
