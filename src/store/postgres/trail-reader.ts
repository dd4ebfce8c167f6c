import type { Checkpoint, TrailChain, TrailReader, TrailRow } from '../trail-types.ts';
import type { StatsQuery } from '../stats-table.ts';
import type { Sql } from './connection.ts';
import { queryPgStats } from './trail-stats.ts';

type CheckpointRow = { seq: string; kind: 'periodic' | 'cut'; at: string; hash: string; key_id: string; signature: string };
const decode = (c: CheckpointRow): Checkpoint => ({ seq: Number(c.seq), kind: c.kind, at: c.at, hash: c.hash, keyId: c.key_id, signature: c.signature });
const toRows = (rows: { seq: string; line: string; hash: string }[]): TrailRow[] => rows.map((r) => ({ seq: Number(r.seq), line: r.line, hash: r.hash }));

/**
 * The nodes that have a chain: any entry, checkpoint or published key. Read by skipping through the primary keys
 * (one index probe per node) rather than scanning the tracks table.
 */
export async function chainNodes(sql: Sql): Promise<string[]> {
  const rows = await sql<{ node: string }[]>`
    with recursive t as (
      (select node from tracks order by node limit 1)
      union all
      select (select node from tracks where node > t.node order by node limit 1) from t where t.node is not null
    )
    select node from t where node is not null
    union select node from checkpoints union select node from trail_keys
    order by node`;
  return rows.map((r) => r.node);
}

/**
 * One node's chain. rows() reads a page per statement by key (`seq > after order by seq limit n`, on the primary
 * key): no cursor, no transaction block and no reserved connection stays open between pages, so a reader that
 * stops early (a verifier at its first bad entry, a page of the admin API) holds no pooled connection, and the
 * pages ask nothing of postgres.js that crashes when a connection dies (porsager/postgres#1208). Pages are not one
 * snapshot: entries appended meanwhile are read as the chain goes on, and a retention cut made meanwhile shows as
 * entries missing, which verifyStored checks again against the cuts as they are then.
 */
function chainReader(sql: Sql, node: string, whole: Pick<TrailReader, 'stats' | 'close'>): TrailReader {
  return {
    rows: async (after, limit) => toRows(await sql`select seq, line, hash from tracks
      where node = ${node} and seq > ${after} order by seq limit ${limit}`),
    row: async (seq) => toRows(await sql`select seq, line, hash from tracks where node = ${node} and seq = ${seq}`)[0],
    find: async (text, after, upTo) => toRows(await sql`select seq, line, hash from tracks
      where node = ${node} and seq > ${after} and seq <= ${upTo} and strpos(line, ${text}) > 0 order by seq`),
    async bounds() {
      const [b] = await sql<{ first: string | null; last: string | null }[]>`select
        (select seq from tracks where node = ${node} order by seq limit 1) as first,
        (select seq from tracks where node = ${node} order by seq desc limit 1) as last`;
      return { first: b.first === null ? undefined : Number(b.first), last: b.last === null ? undefined : Number(b.last) };
    },
    checkpoints: async () => (await sql<CheckpointRow[]>`select * from checkpoints where node = ${node} order by seq, kind`).map(decode),
    async lastCheckpoint() {
      const [c] = await sql<CheckpointRow[]>`select * from checkpoints where node = ${node} order by seq desc limit 1`;
      return c ? decode(c) : undefined;
    },
    stats: whole.stats,
    close: whole.close,
  };
}

/**
 * A read-only view of the cluster trail, read in pages as asked, never whole. Its own methods read `node`'s chain
 * (the node that opened it; without one, the first chain); chains() and chain() reach every node's. Nothing of it
 * holds a connection between calls (see chainReader), so close() has nothing to end.
 */
export async function openPgTrailReader(sql: Sql, node?: string): Promise<TrailReader> {
  const whole: Pick<TrailReader, 'stats' | 'close'> = {
    stats: (q: StatsQuery) => queryPgStats(sql, q),
    close: async () => {},
  };
  const own = node || (await chainNodes(sql))[0] || '';
  return {
    ...chainReader(sql, own, whole),
    async chains(): Promise<TrailChain[]> {
      const keys = await sql<{ node: string; key_id: string; public_key: string }[]>`
        select node, key_id, public_key from trail_keys order by node, published_at, key_id`;
      return (await chainNodes(sql)).map((n) => ({
        node: n, keys: keys.filter((k) => k.node === n).map((k) => ({ keyId: k.key_id, publicKey: k.public_key })),
      }));
    },
    chain: (n: string) => chainReader(sql, n, whole),
  };
}
