/**
 * The cluster store's own tables (component 'config' in mantra_schema); the index + 1 is the version. Never edit a
 * released one. `rev` numbers every config change cluster-wide (config_revision holds the last one), so a node
 * that missed notifications knows it is behind and what changed.
 */
export const configMigrations: string[] = [
  `create table entities (kind text not null, id text not null, version integer not null, body jsonb not null,
     updated_at text not null, rev bigint not null, primary key (kind, id));
   create table config_revision (one boolean primary key default true check (one), rev bigint not null);
   insert into config_revision (rev) values (0);
   create table sessions (token_hash text primary key, username text not null, csrf text not null,
     expires_at bigint not null);
   create index sessions_username on sessions (username);
   create table nodes (node text primary key, instance text not null, started_at timestamptz not null,
     seen_at timestamptz not null, version text not null);
   create table shared_keys (name text primary key, body text not null, created_at timestamptz not null default now());
   create table store_meta (name text primary key, value text not null);`,
];
