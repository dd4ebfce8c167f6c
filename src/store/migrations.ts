import type { DatabaseSync } from 'node:sqlite';
import { dropUnmatchableIpEntries } from './migrate-ip-allowlists.ts';
import { lineTrail } from './migrate-trail.ts';

/** SQL, or a function for what SQL cannot decide (it runs inside the migration's transaction). */
export type Migration = string | ((db: DatabaseSync) => void);

/** Schema migrations, applied in order; the index + 1 is the schema version. Never edit a released one. */
export const migrations: Migration[] = [
  `create table entities (
     kind text not null, id text not null, version integer not null, body text not null, updated_at text not null,
     primary key (kind, id)) without rowid;
   create table tracks (
     seq integer primary key, at text not null, request_id text not null, interface text not null,
     agency text not null, service text not null, operation text not null, subscription text, consumer text,
     remote text not null, user_agent text not null, format text not null, status integer not null,
     code integer not null, duration_ms real not null, rows integer, params text, note text,
     prev_hash text not null, hash text not null);
   create index tracks_at on tracks (at);
   create table stats (
     minute text not null, agency text not null, service text not null, operation text not null,
     calls integer not null, errors integer not null, total_ms real not null,
     primary key (minute, agency, service, operation)) without rowid;
   create table sessions (token_hash text primary key, username text not null, csrf text not null,
     expires_at integer not null) without rowid;`,
  // Nothing reads tracks by time yet (seq follows time), and the index cost ingestion 2.3 of its 8 µs per track.
  `drop index if exists tracks_at;`,
  dropUnmatchableIpEntries,
  lineTrail,
];
