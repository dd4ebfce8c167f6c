import { createPublicKey } from 'node:crypto';
import { keyIdOf } from '../../audit/keys.ts';
import { decodeHistogram, encodeHistogram, type Histogram, merge } from '../../observability/latency-histogram.ts';
import type { Sql, Tx } from './connection.ts';
import { type ChainData, type CheckpointRow, MoveRefused, PAGE, type StatsRow, type TrailMove } from './move.ts';
import { trailMigrations } from './trail-schema.ts';

/** PostgreSQL keeps a histogram as a jsonb object (bucket → count), the embedded store as text. */
const toJson = (text: string) => Object.fromEntries(text ? decodeHistogram(text) : new Map());
const fromJson = (h: Record<string, number>): Histogram => new Map(Object.entries(h ?? {}).map(([b, n]) => [Number(b), Number(n)]));

/**
 * The trail's half of `store migrate`, on the trail tables of trail-schema.ts: one node's chain, checkpoints and
 * published key in or out as they are (hashes and signatures unchanged, so the verifier checks them as before),
 * page by page, and the statistics (in: as this node's rows; out: every node's rows added up). Nothing already in
 * the cluster's chain is ever written over: an entry or checkpoint there that differs refuses the move.
 */
export const trailMove: TrailMove = {
  migrations: trailMigrations,

  async hasChain(sql: Sql, node: string) {
    const [r] = await sql`select exists (select 1 from tracks where node = ${node}) or
      exists (select 1 from checkpoints where node = ${node}) as has`;
    return r.has as boolean;
  },

  async importChain(tx: Tx, node: string, chain: ChainData, stats: StatsRow[]) {
    const publicKey = createPublicKey(chain.publicKeyPem);
    await tx`insert into trail_keys (node, key_id, public_key) values (${node}, ${keyIdOf(publicKey)}, ${chain.publicKeyPem})
      on conflict (node, key_id) do nothing`;
    let n = 0;
    for await (const page of chain.pages) {
      // The outer select sees the table as it was before this statement: only entries already there are compared.
      const [r] = await tx<{ differs: string | null }[]>`with given as (
          select * from unnest(${page.map((e) => e.seq)}::bigint[], ${page.map((e) => e.line)}::text[],
            ${page.map((e) => e.hash)}::text[]) as g(seq, line, hash)),
        added as (insert into tracks (node, seq, line, hash) select ${node}, seq, line, hash from given
          on conflict (node, seq) do nothing returning 1)
        select (select min(g.seq) from given g join tracks t on t.node = ${node} and t.seq = g.seq
          where t.line <> g.line or t.hash <> g.hash) as differs, (select count(*) from added) as added`;
      if (r.differs !== null) throw new MoveRefused('chain_differs', { node, seq: Number(r.differs) });
      n += page.length;
    }
    const cs = chain.checkpoints;
    if (cs.length) {
      // A checkpoint there with the same seq and kind must sign the same hash (its time and signature may differ).
      const [r] = await tx<{ differs: string | null }[]>`with given as (
          select * from unnest(${cs.map((c) => c.seq)}::bigint[], ${cs.map((c) => c.kind)}::text[], ${cs.map((c) => c.at)}::text[],
            ${cs.map((c) => c.hash)}::text[], ${cs.map((c) => c.key_id)}::text[], ${cs.map((c) => c.signature)}::text[])
            as g(seq, kind, at, hash, key_id, signature)),
        added as (insert into checkpoints (node, seq, kind, at, hash, key_id, signature)
          select ${node}, seq, kind, at, hash, key_id, signature from given on conflict (node, seq, kind) do nothing returning 1)
        select (select min(g.seq) from given g join checkpoints c on c.node = ${node} and c.seq = g.seq and c.kind = g.kind
          where c.hash <> g.hash) as differs, (select count(*) from added) as added`;
      if (r.differs !== null) throw new MoveRefused('chain_differs', { node, seq: Number(r.differs) });
    }
    for (const s of stats) {
      await tx`insert into stats (node, period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
        values (${node}, ${s.period}, ${s.start}, ${s.agency}, ${s.service}, ${s.operation}, ${s.consumer}, ${s.calls},
          ${s.errors}, ${s.total_ms}, ${tx.json(toJson(s.hist))})
        on conflict (period, start, agency, service, operation, consumer, node) do update set calls = excluded.calls,
          errors = excluded.errors, total_ms = excluded.total_ms, hist = excluded.hist`;
    }
    return n;
  },

  async nodes(sql: Sql) {
    const rows = await sql<{ node: string }[]>`select node from tracks group by node
      union select node from checkpoints order by node`;
    return rows.map((r) => r.node);
  },

  async publicKey(sql: Sql | Tx, node: string) {
    const [key] = await sql<{ public_key: string }[]>`select public_key from trail_keys where node = ${node}
      order by published_at desc limit 1`;
    return key?.public_key;
  },

  async hashAt(sql: Sql, node: string, seq: number) {
    const [r] = await sql<{ hash: string }[]>`select hash from tracks where node = ${node} and seq = ${seq}`;
    return r?.hash;
  },

  async exportChain(sql: Sql | Tx, node: string, after: number) {
    const publicKeyPem = await trailMove.publicKey(sql, node);
    if (!publicKeyPem) return undefined;
    const checkpoints = await sql<CheckpointRow[]>`select seq::int, kind, at, hash, key_id, signature
      from checkpoints where node = ${node} order by seq, kind`;
    async function* pages() {
      for (let from = after; ;) {
        const rows = await sql<{ seq: string; line: string; hash: string }[]>`select seq, line, hash from tracks
          where node = ${node} and seq > ${from} order by seq limit ${PAGE}`;
        if (rows.length === 0) return;
        yield rows.map((r) => ({ seq: Number(r.seq), line: r.line, hash: r.hash }));
        from = Number(rows[rows.length - 1].seq);
      }
    }
    return { checkpoints: [...checkpoints], publicKeyPem, pages: pages() };
  },

  async exportStats(sql: Sql | Tx) {
    const rows = await sql<(Omit<StatsRow, 'hist'> & { hist: Record<string, number> })[]>`select period, start, agency,
      service, operation, consumer, calls::float8 as calls, errors::float8 as errors, total_ms, hist from stats`;
    const out = new Map<string, StatsRow & { h: Histogram }>();
    for (const r of rows) {
      const id = [r.period, r.start, r.agency, r.service, r.operation, r.consumer].join('\u0000');
      const s = out.get(id);
      if (!s) out.set(id, { ...r, calls: Number(r.calls), errors: Number(r.errors), hist: '', h: fromJson(r.hist) });
      else {
        s.calls += Number(r.calls);
        s.errors += Number(r.errors);
        s.total_ms = Math.round((s.total_ms + r.total_ms) * 1000) / 1000;
        merge(s.h, fromJson(r.hist));
      }
    }
    return [...out.values()].map(({ h, ...s }) => ({ ...s, hist: h.size ? encodeHistogram(h) : '' }));
  },
};
