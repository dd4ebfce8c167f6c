/**
 * The trail's tables in the cluster store (component 'trail' in mantra_schema); the index + 1 is the version. Never
 * edit a released one. One hash chain per node: `tracks` is keyed by (node, seq) and holds each line as the node
 * logged it, so the embedded store's verifier checks every node's chain as it checks the one chain there.
 * Checkpoints are per node, signed with that node's own key; `trail_keys` publishes the public keys. Statistics
 * rows are per node too, so that nodes never wait for each other's sums (readers add them up); a row's latency
 * histogram is `{bucket: count}` so that the upsert of a batch merges it in SQL.
 */
export const trailMigrations: string[] = [
  `create table tracks (node text not null, seq bigint not null, line text not null, hash text not null,
     primary key (node, seq));
   create table checkpoints (node text not null, seq bigint not null, kind text not null, at text not null,
     hash text not null, key_id text not null, signature text not null, primary key (node, seq, kind));
   create table trail_keys (node text not null, key_id text not null, public_key text not null,
     published_at timestamptz not null default now(), primary key (node, key_id));
   create table stats (node text not null, period text not null, start text not null, agency text not null,
     service text not null, operation text not null, consumer text not null, calls bigint not null,
     errors bigint not null, total_ms double precision not null, hist jsonb not null,
     primary key (period, start, agency, service, operation, consumer, node));`,
];
