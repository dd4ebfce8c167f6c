import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type Kind, kindNames, kinds } from '../../model/index.ts';
import { loadMasterKey } from '../../security/master-key.ts';
import { Secrets } from '../../security/secrets.ts';
import { claimDataDir } from '../data-dir.ts';
import { openSqliteStore } from '../sqlite.ts';
import { StoreError } from '../types.ts';
import type { ChainEntry } from '../chain-lines.ts';
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
  /** Moving in: the node whose chain the directory's trail became (its DATA/node-id). */
  node?: string;
}

/** Why nothing was moved; `key` names the CLI message (cli/messages.ts `migrate_<key>`). */
export class MoveRefused extends Error {
  constructor(readonly key: string, readonly vars: Record<string, string | number> = {}) {
    super(`store migrate: ${key}`);
  }
}

/** A signed checkpoint as both stores keep it. */
export type CheckpointRow = { seq: number; kind: string; at: string; hash: string; key_id: string; signature: string };

/**
 * One node's chain as it moves between the stores: its checkpoints, the public key that signed them, and its
 * entries page by page in seq order (never the whole chain in memory).
 */
export interface ChainData {
  checkpoints: CheckpointRow[];
  publicKeyPem: string;
  pages: AsyncIterable<ChainEntry[]> | Iterable<ChainEntry[]>;
}

export type StatsRow = {
  period: string; start: string; agency: string; service: string; operation: string; consumer: string;
  calls: number; errors: number; total_ms: number; hist: string;
};

/** The trail's half of a move: what it takes in and gives out for one node, on the trail tables. */
export interface TrailMove {
  migrations: string[];
  /** Whether the cluster store holds entries of this node's chain. */
  hasChain(sql: Sql, node: string): Promise<boolean>;
  /**
   * Adds the chain; entries and checkpoints already there are left as they are and must be the same (else
   * MoveRefused 'chain_differs'). Returns how many entries were read.
   */
  importChain(tx: Tx, node: string, chain: ChainData, stats: StatsRow[]): Promise<number>;
  /** The nodes with a chain in the cluster store. */
  nodes(sql: Sql): Promise<string[]>;
  /** The public key of the node's chain (its latest), if it published one. */
  publicKey(sql: Sql | Tx, node: string): Promise<string | undefined>;
  /** The hash of the node's entry `seq`, if it is there. */
  hashAt(sql: Sql, node: string, seq: number): Promise<string | undefined>;
  /** The node's chain after `after`, read through `sql` (a transaction: one snapshot). */
  exportChain(sql: Sql | Tx, node: string, after: number): Promise<ChainData | undefined>;
  exportStats(sql: Sql | Tx): Promise<StatsRow[]>;
}

/** Entries per page on the way, in either direction. */
export const PAGE = 5000;

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

/**
 * The SQLite side, read while the directory is claimed: configuration (validated by the store), sessions,
 * checkpoints and statistics whole; the chain's entries page by page from the open database (`pages`), so a long
 * trail never sits in memory. close() when done.
 */
async function readEmbedded(dir: string) {
  const store = openSqliteStore(dir, { readOnly: true });
  const entities = [];
  try {
    for (const kind of kindNames) for (const e of await store.list(kind)) entities.push(e);
  } finally {
    await store.close();
  }
  const db = new DatabaseSync(path.join(dir, 'mantra.db'), { readOnly: true });
  const page = db.prepare('select seq, line, hash from tracks where seq > ? order by seq limit ?');
  return {
    entities,
    sessions: db.prepare('select token_hash, username, csrf, expires_at from sessions').all() as any[],
    checkpoints: db.prepare('select seq, kind, at, hash, key_id, signature from checkpoints order by seq, kind').all() as unknown as CheckpointRow[],
    stats: db.prepare('select * from stats').all() as unknown as StatsRow[],
    *pages(): Iterable<ChainEntry[]> {
      for (let after = 0; ;) {
        const rows = page.all(after, PAGE) as unknown as ChainEntry[];
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1].seq;
      }
    },
    close: () => db.close(),
  };
}

/**
 * DIR → cluster store. The embedded store is opened once first, as a server would be: a stopped server's track
 * log is taken over and a final checkpoint signed (as at a clean stop), and the directory gets its node id
 * (DATA/node-id) if it has none; nothing in it is deleted or edited. Then the directory stays claimed so that no
 * server starts while it moves. Everything goes in one PostgreSQL transaction, the chain read from SQLite page by
 * page inside it: a failure leaves the cluster store as it was. The chain becomes the chain of this directory's
 * node, which keeps signing it with its own key when it serves from the cluster. With --force, entries and
 * checkpoints the cluster already holds are kept, and must be the same as the directory's.
 */
export async function moveIntoCluster(dir: string, url: string, trail: TrailMove, opts: { force: boolean; node?: string }): Promise<Moved> {
  if (!fs.existsSync(path.join(dir, 'mantra.db'))) throw new MoveRefused('no_store', { dir });
  await openSqliteStore(dir).close();
  const release = claimDataDir(dir);
  let sql: Sql | undefined;
  let source: Awaited<ReturnType<typeof readEmbedded>> | undefined;
  try {
    const node = nodeIdOf(dir, opts.node);
    source = await readEmbedded(dir);
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
    const from = source;
    let tracks = 0;
    await begin(sql, async (tx) => {
      for (const e of from.entities) {
        const [{ rev }] = await tx<{ rev: string }[]>`update config_revision set rev = rev + 1 returning rev`;
        await tx`insert into entities (kind, id, version, body, updated_at, rev)
          values (${e.kind}, ${e.id}, ${e.version}, ${tx.json(e.body as any)}, ${e.updatedAt}, ${rev})
          on conflict (kind, id) do update set version = entities.version + 1, body = excluded.body,
            updated_at = excluded.updated_at, rev = excluded.rev`;
        await tx`select pg_notify(${CHANNEL}, ${JSON.stringify({ kind: e.kind, id: e.id, rev: Number(rev) })})`;
      }
      for (const s of from.sessions) {
        await tx`insert into sessions (token_hash, username, csrf, expires_at)
          values (${s.token_hash}, ${s.username}, ${s.csrf}, ${s.expires_at})
          on conflict (token_hash) do update set username = excluded.username, csrf = excluded.csrf, expires_at = excluded.expires_at`;
      }
      for (const [name, body] of keys) await tx`insert into shared_keys (name, body) values (${name}, ${body})`;
      tracks = await trail.importChain(tx, node, { checkpoints: from.checkpoints, publicKeyPem, pages: from.pages() }, from.stats);
    });
    return {
      entities: from.entities.length, sessions: from.sessions.length, keys: keys.length,
      tracks, checkpoints: from.checkpoints.length, stats: from.stats.length, otherChains: [], node,
    };
  } catch (err) {
    throw connectionCause(err) ? new PgStoreError('unreachable', { cause: connectionCause(err)! }) : err;
  } finally {
    source?.close();
    await sql?.end({ timeout: 2 }).catch(() => {});
    release();
  }
}

/**
 * Cluster store → DIR. DIR gets the configuration, sessions, shared keys and statistics, and the chain of its own
 * node (DATA/node-id or --node): a chain is signed by its node's key, which only that node's directory holds, so
 * DIR must be that node's directory. Other nodes' chains stay in the cluster store (nothing there is changed).
 * A directory that already has a trail is refused unless it holds the start of this chain (then the rest is
 * appended): two chains cannot become one. Configuration, sessions, chain and statistics go in ONE SQLite
 * transaction, read from one PostgreSQL snapshot page by page; the shared key files only after it committed.
 */
export async function moveOutOfCluster(url: string, dir: string, trail: TrailMove, opts: { force: boolean; node?: string }): Promise<Moved> {
  if (!process.env.MANTRA_MASTER_KEY && !fs.existsSync(path.join(dir, 'master.key'))) throw new PgStoreError('master_key');
  const sql = await open(url);
  try {
    await checkSchema(sql, components(trail));
    await checkMasterKey(sql, new Secrets(loadMasterKey(dir)), false);
    const node = fs.existsSync(path.join(dir, 'node-id')) || opts.node ? nodeIdOf(dir, opts.node) : undefined;
    const chainNodes = await trail.nodes(sql);
    const publicKeyPem = node && chainNodes.includes(node) ? await trail.publicKey(sql, node) : undefined;
    if (!publicKeyPem && chainNodes.length > 0 && !opts.node && !node) throw new MoveRefused('which_node', { nodes: chainNodes.join(', ') });
    if (publicKeyPem) {
      const own = path.join(dir, 'audit-signing.pub');
      if (!fs.existsSync(own) || fs.readFileSync(own, 'utf8').trim() !== publicKeyPem.trim()) {
        throw new MoveRefused('not_node_dir', { node: node! });
      }
    }
    await openSqliteStore(dir).close(); // the target's store made or migrated, its own track log taken over
    const release = claimDataDir(dir);
    const db = new DatabaseSync(path.join(dir, 'mantra.db'));
    let moved: Moved;
    let keys: { name: string; body: string }[] = [];
    try {
      db.exec('pragma busy_timeout = 5000');
      const last = db.prepare('select seq, hash from tracks order by seq desc limit 1').get() as { seq: number; hash: string } | undefined;
      const items = (db.prepare('select count(*) as n from entities').get() as { n: number }).n;
      // The directory this node came from holds the start of its chain: the rest is appended. Anything else is
      // another chain, and two chains cannot become one.
      let after = 0;
      if (last && publicKeyPem) {
        if ((await trail.hashAt(sql, node!, last.seq)) !== last.hash) throw new MoveRefused('dir_has_trail', { dir });
        after = last.seq;
      }
      if (!opts.force && items > 0) throw new MoveRefused('dir_full', { dir, entities: items });
      db.exec('begin immediate');
      moved = await begin(sql, async (tx) => {
        const entities = await tx<{ kind: string; id: string; body: unknown }[]>`select kind, id, body from entities order by kind, id`;
        const sessions = await tx<{ token_hash: string; username: string; csrf: string; expires_at: string }[]>`select * from sessions`;
        keys = await tx<{ name: string; body: string }[]>`select name, body from shared_keys order by name`;
        const stats = await trail.exportStats(tx);
        const chain = publicKeyPem ? await trail.exportChain(tx, node!, after) : undefined;
        for (const e of entities) putEntity(db, e.kind, e.body);
        const session = db.prepare('insert or replace into sessions (token_hash, username, csrf, expires_at) values (?, ?, ?, ?)');
        for (const r of sessions) session.run(r.token_hash, r.username, r.csrf, Number(r.expires_at));
        const tracks = chain ? await writeEmbeddedChain(db, chain) : 0;
        writeEmbeddedStats(db, stats);
        return {
          entities: entities.length, sessions: sessions.length, keys: keys.length, tracks,
          checkpoints: chain?.checkpoints.length ?? 0, stats: stats.length, otherChains: chainNodes.filter((n) => n !== node),
        };
      }, 'isolation level repeatable read read only');
      db.exec('commit');
    } catch (err) {
      if (db.isTransaction) db.exec('rollback');
      throw err;
    } finally {
      db.close();
      release();
    }
    for (const k of keys) writeKeyFile(dir, k.name, k.body); // each atomically (a temporary file renamed)
    return moved;
  } catch (err) {
    throw connectionCause(err) ? new PgStoreError('unreachable', { cause: connectionCause(err)! }) : err;
  } finally {
    await sql.end({ timeout: 2 }).catch(() => {});
  }
}

/** One configuration item into the embedded store's table, validated as the store validates a write. */
function putEntity(db: DatabaseSync, kind: string, body: unknown) {
  const k = kinds[kind as Kind];
  if (!k) throw new StoreError('invalid', `unknown kind ${kind}`);
  const parsed = k.schema.safeParse(body);
  if (!parsed.success) throw new StoreError('invalid', `invalid ${kind}`, parsed.error.issues);
  const id = (k.id as (e: unknown) => string)(parsed.data);
  db.prepare(`insert into entities (kind, id, version, body, updated_at) values (?, ?, 1, ?, ?)
    on conflict (kind, id) do update set version = version + 1, body = excluded.body, updated_at = excluded.updated_at`)
    .run(kind, id, JSON.stringify(parsed.data), new Date().toISOString());
}

/** The chain's checkpoints and entries (page by page) into the embedded store's tables; how many entries. */
async function writeEmbeddedChain(db: DatabaseSync, chain: ChainData): Promise<number> {
  const track = db.prepare('insert into tracks (seq, line, hash) values (?, ?, ?)');
  const checkpoint = db.prepare('insert or replace into checkpoints (seq, kind, at, hash, key_id, signature) values (?, ?, ?, ?, ?, ?)');
  let n = 0;
  for await (const page of chain.pages) {
    for (const r of page) track.run(r.seq, r.line, r.hash);
    n += page.length;
  }
  for (const c of chain.checkpoints) checkpoint.run(c.seq, c.kind, c.at, c.hash, c.key_id, c.signature);
  return n;
}

function writeEmbeddedStats(db: DatabaseSync, stats: StatsRow[]) {
  const stat = db.prepare(`insert into stats (period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do update set calls = excluded.calls, errors = excluded.errors,
    total_ms = excluded.total_ms, hist = excluded.hist`);
  for (const s of stats) stat.run(s.period, s.start, s.agency, s.service, s.operation, s.consumer, s.calls, s.errors, s.total_ms, s.hist);
}
