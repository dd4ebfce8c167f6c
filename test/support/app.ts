/** A whole Mantra app over a temporary store, driven with app.request() — no server needed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { Secrets } from '../../src/security/index.ts';
import { createPool } from '../../connectors/pool.ts';
import { createApp } from '../../src/app.ts';
import { type Kind, kinds } from '../../src/model/index.ts';
import { setLogLevel } from '../../src/observability/log.ts';

setLogLevel('error');

/**
 * `dir` is a scratch folder for the test's own files (SQLite, DBF), allowed in the settings' fileRoots; the store
 * lives in `dataDir`, apart from it, as the data directory is never allowed. Putting settings replaces that allowance.
 */
export async function testApp(opts: { workers?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-test-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mantra-test-data-'));
  const store = openSqliteStore(dataDir);
  const secrets = new Secrets(Buffer.alloc(32, 7));
  const pool = createPool({ size: opts.workers ?? 1 });
  const mantra = createApp({ store, secrets, pool, dataDir });
  await store.put('settings', kinds.settings.schema.parse({ fileRoots: [dir] }), 0);
  return {
    ...mantra,
    store,
    secrets,
    pool,
    dir,
    dataDir,
    /** Creates or replaces an entity directly in the store. */
    async put(kind: Kind, body: unknown) {
      const parsed = kinds[kind].schema.parse(body) as any;
      const existing = await store.get(kind, (kinds[kind].id as (e: unknown) => string)(parsed));
      return store.put(kind, parsed, existing?.version ?? 0);
    },
    /** A subscription whose key is `key`. */
    async subscribe(key: string, agency: string, service: string, operation: string, extra: Record<string, unknown> = {}) {
      return this.put('subscription', {
        id: `s-${operation.replace(/_/g, '-')}-${key.slice(0, 6)}`.toLowerCase().replace(/[^a-z0-9-]/g, ''),
        consumer: `${agency}/app`, agency, service, operation, status: 'approved', keyHash: secrets.hashKey(key), ...extra,
      });
    },
    async close() {
      await mantra.tracker.flush();
      await pool.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
