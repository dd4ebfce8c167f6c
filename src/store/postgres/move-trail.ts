import { createPublicKey } from 'node:crypto';
import { keyIdOf } from '../../audit/keys.ts';
import { decodeHistogram, encodeHistogram, type Histogram, merge } from '../../observability/latency-histogram.ts';
import type { Sql, Tx } from './connection.ts';
import type { ChainData, StatsRow, TrailMove } from './move.ts';
import { trailMigrations } from './trail-schema.ts';

/** PostgreSQL keeps a histogram as a jsonb object (bucket → count), the embedded store as text. */
const toJson = (text: string) => Object.fromEntries(text ? decodeHistogram(text) : new Map());
const fromJson = (h: Record<string, number>): Histogram => new Map(Object.entries(h ?? {}).map(([b, n]) => [Number(b), Number(n)]));

/**
 * The trail's half of `store migrate`, on the trail tables of trail-schema.ts (pg-trail's): one node's chain,
 * checkpoints and published key in or out as they are (hashes and signatures unchanged, so the verifier checks
 * them as before), and the statistics (in: as this node's rows; out: every node's rows added up).
 */
export const trailMove: TrailMove = {
  migrations: trailMigrations,

  async hasChain(sql: Sql, node: string) {
    const [r] = await sql`select exists (select 1 from tracks where node = ${node}) or
      exists (select 1 from checkpoints where node = ${node}) as has`;
    return r.has as boolean;
  },

  async importChain(tx: Tx, node: string, chain: ChainData, stats: StatsRow[], replace: boolean) {
    const publicKey = createPublicKey(chain.publicKeyPem);
    await tx`insert into trail_keys (node, key_id, public_key) values (${node}, ${keyIdOf(publicKey)}, ${chain.publicKeyPem})
      on conflict (node, key_id) do nothing`;
    // With --force the same entries are written again (a chain that differs is refused by its hashes at verify).
    for (let i = 0; i < chain.rows.length; i += 5000) {
      const part = chain.rows.slice(i, i + 5000);
      const [seqs, lines, hashes] = [part.map((r) => r.seq), part.map((r) => r.line), part.map((r) => r.hash)];
      if (replace) {
        await tx`insert into tracks (node, seq, line, hash)
          select ${node}, * from unnest(${seqs}::bigint[], ${lines}::text[], ${hashes}::text[])
          on conflict (node, seq) do update set line = excluded.line, hash = excluded.hash`;
      } else {
        await tx`insert into tracks (node, seq, line, hash)
          select ${node}, * from unnest(${seqs}::bigint[], ${lines}::text[], ${hashes}::text[])`;
      }
    }
    for (const c of chain.checkpoints) {
      await tx`insert into checkpoints (node, seq, kind, at, hash, key_id, signature)
        values (${node}, ${c.seq}, ${c.kind}, ${c.at}, ${c.hash}, ${c.key_id}, ${c.signature})
        on conflict (node, seq, kind) do update set at = excluded.at, hash = excluded.hash, key_id = excluded.key_id,
          signature = excluded.signature`;
    }
    for (const s of stats) {
      await tx`insert into stats (node, period, start, agency, service, operation, consumer, calls, errors, total_ms, hist)
        values (${node}, ${s.period}, ${s.start}, ${s.agency}, ${s.service}, ${s.operation}, ${s.consumer}, ${s.calls},
          ${s.errors}, ${s.total_ms}, ${tx.json(toJson(s.hist))})
        on conflict (period, start, agency, service, operation, consumer, node) do update set calls = excluded.calls,
          errors = excluded.errors, total_ms = excluded.total_ms, hist = excluded.hist`;
    }
  },

  async nodes(sql: Sql) {
    const rows = await sql<{ node: string }[]>`select node from tracks group by node
      union select node from checkpoints order by node`;
    return rows.map((r) => r.node);
  },

  async exportChain(sql: Sql, node: string) {
    const rows = await sql<{ seq: string; line: string; hash: string }[]>`select seq, line, hash from tracks
      where node = ${node} order by seq`;
    const checkpoints = await sql<ChainData['checkpoints']>`select seq::int, kind, at, hash, key_id, signature
      from checkpoints where node = ${node} order by seq, kind`;
    const [key] = await sql<{ public_key: string }[]>`select public_key from trail_keys where node = ${node}
      order by published_at desc limit 1`;
    if (!key) return undefined;
    return { rows: rows.map((r) => ({ seq: Number(r.seq), line: r.line, hash: r.hash })), checkpoints: [...checkpoints], publicKeyPem: key.public_key };
  },

  async exportStats(sql: Sql) {
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
