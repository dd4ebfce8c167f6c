import type { TrailReader } from '../trail-types.ts';
import { connect } from './connection.ts';
import { connectionCause, PgStoreError } from './errors.ts';
import { checkSchema } from './migrate.ts';
import { openPgTrailReader } from './trail-reader.ts';
import { trailMigrations } from './trail-schema.ts';

/**
 * The cluster trail for `mantra audit verify|export --store postgres://…`: only the trail's tables, read-only, on
 * a small pool of its own; no master key, node id or configuration needed, so an auditor can run it anywhere the
 * database is reachable. `node` picks the chain the reader's own methods read (every chain stays reachable).
 */
export async function openPgAuditTrail(url: string, node?: string): Promise<TrailReader> {
  const sql = connect(url, { max: 2 });
  try {
    try {
      await sql`select 1`;
    } catch (err) {
      throw new PgStoreError('unreachable', { cause: connectionCause(err) ?? 'other' });
    }
    await checkSchema(sql, [{ name: 'trail', migrations: trailMigrations }]);
    const reader = await openPgTrailReader(sql, node);
    const close = async () => {
      await reader.close();
      await sql.end({ timeout: 1 }).catch(() => {});
    };
    return { ...reader, close };
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw err;
  }
}
