import type { DatabaseSync } from 'node:sqlite';
import { v1Line } from './track-line.ts';

/**
 * Migration 4: the trail as evidence. Tracks are stored as the line their hash covers (an audit recomputes the
 * chain from exactly those bytes); older rows become the lines they were logged as, hashes unchanged. Signed
 * checkpoints get a table, and statistics gain the consumer, hours, days and a latency histogram (older minutes
 * are kept, without a histogram).
 */
export function lineTrail(db: DatabaseSync): void {
  db.exec(`alter table tracks rename to tracks_v1;
    create table tracks (seq integer primary key, line text not null, hash text not null);
    create table checkpoints (seq integer not null, kind text not null, at text not null, hash text not null,
      key_id text not null, signature text not null, primary key (seq, kind)) without rowid;
    alter table stats rename to stats_v1;
    create table stats (period text not null, start text not null, agency text not null, service text not null,
      operation text not null, consumer text not null, calls integer not null, errors integer not null,
      total_ms real not null, hist text not null,
      primary key (period, start, agency, service, operation, consumer)) without rowid;`);
  const read = db.prepare('select * from tracks_v1 where seq > ? order by seq limit 10000');
  const insert = db.prepare('insert into tracks (seq, line, hash) values (?, ?, ?)');
  for (let after = 0; ;) {
    const rows = read.all(after) as Record<string, any>[];
    if (rows.length === 0) break;
    for (const r of rows) insert.run(r.seq, v1Line(r), r.hash);
    after = rows[rows.length - 1].seq;
  }
  for (const [period, len] of [['m', 16], ['h', 13], ['d', 10]] as const) {
    db.exec(`insert into stats select '${period}', substr(minute, 1, ${len}), agency, service, operation, '',
      sum(calls), sum(errors), sum(total_ms), '' from stats_v1 group by 2, 3, 4, 5`);
  }
  db.exec('drop table tracks_v1; drop table stats_v1;');
}
