import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { kindNames } from '../../model/index.ts';
import { loadMasterKey } from '../../security/master-key.ts';
import { Secrets } from '../../security/secrets.ts';
import { claimDataDir } from '../data-dir.ts';
import { openSqliteStore } from '../sqlite.ts';
import type { Store } from '../types.ts';
import { begin, connect, type Sql, type Tx } from './connection.ts';
import { connectionCause, PgStoreError } from './errors.ts';
import { checkSchema, type Component, migrate } from './migrate.ts';
import { nodeIdOf } from './nodes.ts';
import { checkMasterKey, reach } from './open.ts';
import { configMigrations } from './schema.ts';
import { localKeyNames, writeKeyFile } from './shared-keys.ts';
import { CHANNEL } from './store.ts';

/** What `mantra store migrate` moved. */
export interface Moved {
  entities: number;
  sessions: number;
  keys: number;
  tracks: number;
  checkpoints: number;
  stats: number;
  /** Nodes whose chains stayed in the cluster store (moving out takes one node's chain). */
  otherChains: string[];
}

/** Why nothing was moved; `key` names the CLI message (cli/messages.ts `migrate_<key>`). */
export class MoveRefused extends Error {
  constructor(readonly key: string, readonly vars: Record<string, string | number> = {}) {
    super(`store migrate: ${key}`);
  }
}

/** One node's chain as it moves between the stores: entries, checkpoints, the public key that signed them. */
export interface ChainData {
  rows: { seq: number; line: string; hash: string }[];
  checkpoints: { seq: number; kind: string; at: string; hash: string; key_id: string; signature: string }[];
  publicKeyPem: string;
}

export type StatsRow = {
  period: string; start: string; agency: string; service: string; operation: string; consumer: string;
  calls: number; errors: number; total_ms: number; hist: string;
};

/** The trail's half of a move (trail tables are pg-trail's): what it takes in and gives out for one node. */
export interface TrailMove {
  migrations: string[];
  /** Whether the cluster store holds entries of this node's chain. */
  hasChain(sql: Sql, node: string): Promise<boolean>;
  importChain(tx: Tx, node: string, chain: ChainData, stats: StatsRow[], replace: boolean): Promise<void>;
  /** The nodes with a chain in the cluster store. */
  nodes(sql: Sql): Promise<string[]>;
  exportChain(sql: Sql, node: string): Promise<ChainData | undefined>;
  exportStats(sql: Sql): Promise<StatsRow[]>;
}

const components = (trail: TrailMove): Component[] => [
  { name: 'config', migrations: configMigrations }, { name: 'trail', migrations: trail.migrations },
];

async function open(url: string): Promise<Sql> {
  const sql = connect(url);
  try {
    await reach(sql);
    return sql;
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw err;
  }
}

/** The SQLite side, read while the directory is claimed: every row as stored (config validated by the store). */
async function readEmbedded(dir: string) {
  const store = openSqliteStore(dir, { readOnly: true });
  const db = new DatabaseSync(path.join(dir, 'mantra.db'), { readOnly: true });
  try {
    const entities = [];
    for (const kind of kindNames) for (const e of await store.list(kind)) entities.push(e);
    return {
      entities,
      sessions: db.prepare('select token_hash, username, csrf, expires_at from sessions').all() as any[],
      chain: {
        rows: db.prepare('select seq, line, hash from tracks order by seq').all() as any[],
        checkpoints: db.prepare('select seq, kind, at, hash, key_id, signature from checkpoints order by seq, kind').all() as any[],
      },
      stats: db.prepare('select * from stats').all() as unknown as StatsRow[],
    };
  } finally {
    db.close();
    await store.close();
  }
}

/**
 * DIR → cluster store. The embedded store is opened once first (a stopped server's track log is taken over and a
 * final checkpoint signed), then the directory stays claimed so that no server starts while it moves. Everything
 * goes in one PostgreSQL transaction: a failure leaves the cluster store as it was. The chain becomes the chain of
 * this directory's node (DATA/node-id), which keeps signing it with its own key when it serves from the cluster.
 */
export async function moveIntoCluster(dir: string, url: string, trail: TrailMove, opts: { force: boolean; node?: string }): Promise<Moved> {
  if (!fs.existsSync(path.join(dir, 'mantra.db'))) throw new MoveRefused('no_store', { dir });
  await openSqliteStore(dir).close();
  const release = claimDataDir(dir);
  let sql: Sql | undefined;
  try {
    const node = nodeIdOf(dir, opts.node);
    const source = await readEmbedded(dir);
    const publicKeyPem = fs.readFileSync(path.join(dir, 'audit-signing.pub'), 'utf8');
    sql = await open(url);
    await migrate(sql, components(trail));
    await checkMasterKey(sql, new Secrets(loadMasterKey(dir)), true);

    const [held] = await sql<{ entities: number; sessions: number }[]>`select
      (select count(*)::int from entities) as entities, (select count(*)::int from sessions) as sessions`;
    const chainThere = await trail.hasChain(sql, node);
    if (!opts.force && (held.entities > 0 || held.sessions > 0 || chainThere)) {
      throw new MoveRefused('target_full', { entities: held.entities, sessions: held.sessions });
    }
    // Keys already shared by a cluster stay: another node's trail hashes and signatures depend on them.
    const keys: [string, string][] = [];
    for (const name of localKeyNames(dir)) {
      const body = fs.readFileSync(path.join(dir, name), 'utf8');
      const [there] = await sql<{ body: string }[]>`select body from shared_keys where name = ${name}`;
      if (there && there.body !== body) throw new MoveRefused('key_differs', { key: name });
      if (!there) keys.push([name, body]);
    }
    await begin(sql, async (tx) => {
      for (const e of source.entities) {
        const [{ rev }] = await tx<{ rev: string }[]>`update config_revision set rev = rev + 1 returning rev`;
        await tx`insert into entities (kind, id, version, body, updated_at, rev)
          values (${e.kind}, ${e.id}, ${e.version}, ${tx.json(e.body as any)}, ${e.updatedAt}, ${rev})
          on conflict (kind, id) do update set version = entities.version + 1, body = excluded.body,
            updated_at = excluded.updated_at, rev = excluded.rev`;
        await tx`select pg_notify(${CHANNEL}, ${JSON.stringify({ kind: e.kind, id: e.id, rev: Number(rev) })})`;
      }
      for (const s of source.sessions) {
        await tx`insert into sessions (token_hash, username, csrf, expires_at)
          values (${s.token_hash}, ${s.username}, ${s.csrf}, ${s.expires_at})
          on conflict (token_hash) do update set username = excluded.username, csrf = excluded.csrf, expires_at = excluded.expires_at`;
      }
      for (const [name, body] of keys) await tx`insert into shared_keys (name, body) values (${name}, ${body})`;
      await trail.importChain(tx, node, { ...source.chain, publicKeyPem }, source.stats, opts.force);
    });
    return {
      entities: source.entities.length, sessions: source.sessions.length, keys: keys.length,
      tracks: source.chain.rows.length, checkpoints: source.chain.checkpoints.length, stats: source.stats.length,
      otherChains: [],
    };
  } catch (err) {
    throw connectionCause(err) ? new PgStoreError('unreachable', { cause: connectionCause(err)! }) : err;
  } finally {
    await sql?.end({ timeout: 2 }).catch(() => {});
    release();
  }
}

/**
 * Cluster store → DIR. DIR gets the configuration, sessions, shared keys and statistics, and the chain of its own
 * node (DATA/node-id or --node): a chain is signed by its node's key, which only that node's directory holds, so
 * DIR must be that node's directory. Other nodes' chains stay in the cluster store (nothing there is deleted).
 * A directory that already has a trail is refused: two chains cannot become one.
 */
export async function moveOutOfCluster(url: string, dir: string, trail: TrailMove, opts: { force: boolean; node?: string }): Promise<Moved> {
  if (!process.env.MANTRA_MASTER_KEY && !fs.existsSync(path.join(dir, 'master.key'))) throw new PgStoreError('master_key');
  const sql = await open(url);
  let store: Store | undefined;
  try {
    await checkSchema(sql, components(trail));
    await checkMasterKey(sql, new Secrets(loadMasterKey(dir)), false);
    const node = fs.existsSync(path.join(dir, 'node-id')) || opts.node ? nodeIdOf(dir, opts.node) : undefined;
    const chainNodes = await trail.nodes(sql);
    const chain = node && chainNodes.includes(node) ? await trail.exportChain(sql, node) : undefined;
    if (!chain && chainNodes.length > 0 && !opts.node && !node) throw new MoveRefused('which_node', { nodes: chainNodes.join(', ') });
    if (chain) {
      const own = path.join(dir, 'audit-signing.pub');
      if (!fs.existsSync(own) || fs.readFileSync(own, 'utf8').trim() !== chain.publicKeyPem.trim()) {
        throw new MoveRefused('not_node_dir', { node: node! });
      }
    }
    store = openSqliteStore(dir);
    const db = new DatabaseSync(path.join(dir, 'mantra.db'));
    let after = 0;
    try {
      const last = db.prepare('select seq, hash from tracks order by seq desc limit 1').get() as { seq: number; hash: string } | undefined;
      const items = (db.prepare('select count(*) as n from entities').get() as { n: number }).n;
      // The directory this node came from holds the start of its chain: the rest is appended. Anything else is
      // another chain, and two chains cannot become one.
      if (last && chain) {
        if (chain.rows.find((r) => r.seq === last.seq)?.hash !== last.hash) throw new MoveRefused('dir_has_trail', { dir });
        after = last.seq;
      }
      if (!opts.force && items > 0) throw new MoveRefused('dir_full', { dir, entities: items });
    } finally {
      db.close();
    }
    if (chain) chain.rows = chain.rows.filter((r) => r.seq > after);
    const entities = await sql<{ kind: string; id: string; body: unknown }[]>`select kind, id, body from entities order by kind, id`;
    const sessions = await sql<{ token_hash: string; username: string; csrf: string; expires_at: string }[]>`select * from sessions`;
    const keys = await sql<{ name: string; body: string }[]>`select name, body from shared_keys order by name`;
    const stats = await trail.exportStats(sql);
    const s = store;
    await s.transaction(async () => {
      for (const e of entities) await s.put(e.kind as never, e.body as never);
    });
    for (const r of sessions) {
      await s.sessions.put({ tokenHash: r.token_hash, username: r.username, csrf: r.csrf, expiresAt: Number(r.expires_at) });
    }
    await store.close();
    store = undefined;
    writeEmbeddedTrail(dir, chain, stats);
    for (const k of keys) writeKeyFile(dir, k.name, k.body);
    return {
      entities: entities.length, sessions: sessions.length, keys: keys.length, tracks: chain?.rows.length ?? 0,
      checkpoints: chain?.checkpoints.length ?? 0, stats: stats.length, otherChains: chainNodes.filter((n) => n !== node),
    };
  } catch (err) {
    throw connectionCause(err) ? new PgStoreError('unreachable', { cause: connectionCause(err)! }) : err;
  } finally {
    await store?.close();
    await sql.end({ timeout: 2 }).catch(() => {});
  }
}

/** The chain and statistics into the embedded store's tables, in one transaction, while the directory is claimed. */
function writeEmbeddedTrail(dir: string, chain: ChainData | undefined, stats: StatsRow[]) {
  const release = claimDataDir(dir);
  const db = new DatabaseSync(path.join(dir, 'mantra.db'));
  try {
    db.exec('begin immediate');
    const track = db.prepare('insert into tracks (seq, line, hash) values (?, ?, ?)');
    const checkpoint = db.prepare('insert or replace into checkpoints (seq, kind, at, hash, key_id, signature) values (?, ?, ?, ?, ?, ?)');
    const stat = db.prepare(`insert into stats (period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do update set calls = excluded.calls, errors = excluded.errors,
      total_ms = excluded.total_ms, hist = excluded.hist`);
    for (const r of chain?.rows ?? []) track.run(r.seq, r.line, r.hash);
    for (const c of chain?.checkpoints ?? []) checkpoint.run(c.seq, c.kind, c.at, c.hash, c.key_id, c.signature);
    for (const s of stats) stat.run(s.period, s.start, s.agency, s.service, s.operation, s.consumer, s.calls, s.errors, s.total_ms, s.hist);
    db.exec('commit');
  } catch (err) {
    if (db.isTransaction) db.exec('rollback');
    throw err;
  } finally {
    db.close();
    release();
  }
}
