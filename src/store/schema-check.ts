import type { DatabaseSync } from 'node:sqlite';
import { migrations } from './migrations.ts';
import { StoreOpenError } from './open-errors.ts';

/** 'MNTR': marks a SQLite file as Mantra's, so a foreign database is refused instead of being changed. */
export const APPLICATION_ID = 0x4d4e5452;

/** A read-only connection can neither migrate a store nor read another schema's tables: it refuses both. */
export function checkSchema(db: DatabaseSync, file: string) {
  let appId: number, version: number;
  try {
    appId = (db.prepare('pragma application_id').get() as { application_id: number }).application_id;
    version = (db.prepare('pragma user_version').get() as { user_version: number }).user_version;
  } catch (err) {
    throw new StoreOpenError('corrupt', { file, cause: (err as Error).message });
  }
  if (appId !== APPLICATION_ID) throw new StoreOpenError('foreign', { file });
  if (version > migrations.length) throw new StoreOpenError('newer', { schema: version });
  if (version < migrations.length) throw new StoreOpenError('outdated', { schema: version, expected: migrations.length });
}
