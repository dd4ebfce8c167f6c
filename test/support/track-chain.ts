/** Recomputes the tracks table's hash chain from the stored lines, as an audit would. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { GENESIS_HASH } from '../../src/store/track-chain.ts';
import { decodeLine } from '../../src/store/track-line.ts';

/** Asserts every track links to the one before, with no gap in seq, and its hash covers its line; the tracks. */
export function assertChain(file: string): any[] {
  const db = new DatabaseSync(file, { readOnly: true });
  const rows = db.prepare('select * from tracks order by seq').all() as any[];
  db.close();
  let prev = GENESIS_HASH;
  return rows.map((r, i) => {
    assert.equal(r.seq, i + 1, 'no gap in seq');
    const line = String(r.line);
    assert.equal(JSON.parse(line)[0], r.seq, `track ${r.seq}: the line carries its seq`);
    const hashed = prev + '[' + line.slice(line.indexOf(',') + 1);
    assert.equal(r.hash, createHash('sha256').update(hashed).digest('hex'), `track ${r.seq} hash`);
    prev = r.hash;
    return decodeLine(line, r.hash);
  });
}
