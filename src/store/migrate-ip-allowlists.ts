import type { DatabaseSync } from 'node:sqlite';
import { parseIpEntry } from '../security/ip-allowlist.ts';

/**
 * Migration 3: since schema 3 a subscription's ipAllowlist holds only entries the authorize stage can match.
 * Older stores may hold others, which never matched; as they are, the store could no longer read them back.
 * They are dropped. An approved subscription left with none denied every call, so it is revoked, not opened to all.
 */
export function dropUnmatchableIpEntries(db: DatabaseSync): void {
  const rows = db.prepare(`select id, body from entities where kind = 'subscription'`).all() as { id: string; body: string }[];
  const update = db.prepare(`update entities set body = ?, version = version + 1, updated_at = ? where kind = 'subscription' and id = ?`);
  const now = new Date().toISOString();
  for (const row of rows) {
    const body = JSON.parse(row.body);
    const list: unknown[] = Array.isArray(body.ipAllowlist) ? body.ipAllowlist : [];
    const kept = list.filter((e) => typeof e === 'string' && parseIpEntry(e.trim()) !== undefined);
    if (kept.length === list.length) continue;
    body.ipAllowlist = kept;
    if (kept.length === 0 && body.status === 'approved') body.status = 'revoked';
    update.run(JSON.stringify(body), now, row.id);
  }
}
