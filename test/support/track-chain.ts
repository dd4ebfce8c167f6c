/** Recomputes the tracks table's hash chain from the stored columns, as an audit would. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { GENESIS_HASH } from '../../src/store/track-chain.ts';

/** Asserts every track links to the one before, with no gap in seq, and its hash covers its columns; the rows. */
export function assertChain(file: string): any[] {
  const db = new DatabaseSync(file);
  const rows = db.prepare('select * from tracks order by seq').all() as any[];
  db.close();
  let prev = GENESIS_HASH;
  rows.forEach((r, i) => {
    assert.equal(r.seq, i + 1, 'no gap in seq');
    const values = [r.at, r.request_id, r.interface, r.agency, r.service, r.operation, r.subscription, r.consumer,
      r.remote, r.user_agent, r.format, r.status, r.code, r.duration_ms, r.rows, r.params, r.note];
    assert.equal(r.prev_hash, prev, `track ${r.seq} links to the one before`);
    assert.equal(r.hash, createHash('sha256').update(prev).update(JSON.stringify(values)).digest('hex'), `track ${r.seq} hash`);
    prev = r.hash;
  });
  return rows;
}
