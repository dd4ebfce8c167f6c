import fs from 'node:fs';
import path from 'node:path';
import { loadSigningKey, type SigningKey } from '../../audit/keys.ts';
import { loadMasterKey } from '../../security/master-key.ts';
import { Secrets } from '../../security/secrets.ts';
import { claimDataDir } from '../data-dir.ts';
import type { Retention } from '../trail-upkeep.ts';
import { connect, type Sql } from './connection.ts';
import { connectionCause, PgStoreError } from './errors.ts';
import { checkSchema, type Component, migrate } from './migrate.ts';
import { Heartbeat, NODE_ID_FILE, nodeIdOf } from './nodes.ts';
import { configMigrations } from './schema.ts';
import { SharedKeys } from './shared-keys.ts';
import { CHECK_TIMEOUT_MS, type PgTrail, PostgresStore } from './store.ts';
import pkg from '../../../package.json' with { type: 'json' };

export interface PgOpenOptions {
  dataDir: string;
  /** Config export, audit verify and export: no data-directory lock, no heartbeat, no migration, no writes. */
  readOnly?: boolean;
  /** This node's id instead of DATA/node-id (--node, MANTRA_NODE). */
  node?: string;
  /**
   * A command that writes configuration (init, config import, hub import-node): it is no node, so no heartbeat
   * (liveNodes() elsewhere stays as it is), no trail (no chain, key or track log of its own), no node id, no
   * data-directory lock and no LISTEN; it migrates and shares the keys as a node does.
   */
  tool?: boolean;
}

/** What the trail half gets to open itself with (the contract's openPgTrail options). */
export interface TrailContext {
  node: string;
  dataDir: string;
  /** This node's own checkpoint signing key (DATA/audit-signing.key); absent when read-only. */
  signingKey?: SigningKey;
  retention: () => Retention;
}

/** The trail half: its migrations (component 'trail') and how it opens on the store's pool. */
export interface TrailPart {
  migrations: string[];
  open(sql: Sql, ctx: TrailContext): PgTrail | Promise<PgTrail>;
}

/** The text every node's master key must decrypt from store_meta (made by the first node). */
const MASTER_CHECK = 'mantra master key check v1';

/**
 * Opens the cluster store: reaches PostgreSQL (or fails with a clear reason), migrates every component under
 * the advisory lock, checks this node's master key against the store's, claims the node id, shares the keys
 * every node must hold the same, loads the configuration copy and starts listening.
 */
export async function openPgStore(url: string, opts: PgOpenOptions, trailPart?: TrailPart): Promise<PostgresStore> {
  const readOnly = opts.readOnly ?? false;
  const tool = !readOnly && (opts.tool ?? false);
  const release = readOnly || tool ? () => {} : claimDataDir(opts.dataDir);
  const pools: Sql[] = [];
  let store: PostgresStore | undefined;
  try {
    const sql = connect(url);
    pools.push(sql);
    await reach(sql);
    const components: Component[] = [{ name: 'config', migrations: configMigrations }];
    if (trailPart) components.push({ name: 'trail', migrations: trailPart.migrations });
    if (readOnly) await checkSchema(sql, components);
    else await migrate(sql, components);

    if (readOnly) fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const secrets = new Secrets(loadMasterKey(opts.dataDir));
    await checkMasterKey(sql, secrets, !readOnly);

    let node: string | undefined;
    let heartbeat: Heartbeat | undefined;
    let keys: SharedKeys | undefined;
    let listener: Sql | undefined;
    let control: Sql | undefined;
    if (readOnly) {
      node = opts.node ?? (fs.existsSync(path.join(opts.dataDir, NODE_ID_FILE)) ? nodeIdOf(opts.dataDir) : undefined);
    } else if (tool) {
      keys = new SharedKeys(sql, opts.dataDir, secrets);
      await keys.syncFixed();
    } else {
      node = nodeIdOf(opts.dataDir, opts.node);
      control = connect(url, { max: 1, statementTimeout: CHECK_TIMEOUT_MS, name: 'mantra-check' });
      pools.push(control);
      heartbeat = new Heartbeat(control, node, pkg.version);
      await heartbeat.claim();
      keys = new SharedKeys(sql, opts.dataDir, secrets);
      await keys.syncFixed();
      listener = connect(url, {
        max: 1, listening: true,
        onnotify: (_channel, payload) => store?.notified(payload),
        onclose: () => store?.unlistened(),
      });
      pools.push(listener);
    }
    store = new PostgresStore({ sql, listener, control, dataDir: opts.dataDir, node, heartbeat, keys, readOnly, release });
    await store.start();
    if (trailPart && !tool) {
      const s = store;
      store.attachTrail(await trailPart.open(sql, {
        node: node ?? '', dataDir: opts.dataDir, signingKey: readOnly ? undefined : loadSigningKey(opts.dataDir),
        retention: () => s.retention(),
      }));
    }
    return store;
  } catch (err) {
    if (store) await store.close();
    else {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 }))).catch(() => {});
      release();
    }
    const cause = connectionCause(err);
    throw cause ? new PgStoreError('unreachable', { cause }) : err;
  }
}

export async function reach(sql: Sql) {
  try {
    await sql`select 1`;
  } catch (err) {
    throw new PgStoreError('unreachable', { cause: connectionCause(err) ?? 'other' });
  }
}

export async function checkMasterKey(sql: Sql, secrets: Secrets, create: boolean) {
  const read = () => sql<{ value: string }[]>`select value from store_meta where name = 'master_key_check'`;
  let [row] = await read();
  if (!row && create) {
    await sql`insert into store_meta (name, value) values ('master_key_check', ${secrets.encrypt(MASTER_CHECK)})
      on conflict (name) do nothing`;
    [row] = await read();
  }
  if (!row) return;
  let opened = false;
  try {
    opened = Secrets.isEncrypted(row.value) && secrets.decrypt(row.value) === MASTER_CHECK;
  } catch {
    opened = false;
  }
  if (!opened) throw new PgStoreError('master_key');
}
