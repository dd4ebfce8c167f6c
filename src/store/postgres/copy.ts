import type { Kind } from '../../model/index.ts';

/** An entity row as the cluster store holds it; `body` undefined = removed (kept so that older news cannot revive it). */
export interface CopyRow {
  kind: Kind;
  id: string;
  version: number;
  updatedAt: string;
  rev: number;
  body: unknown;
}

const keyOf = (kind: string, id: string) => `${kind}\u0000${id}`;

/**
 * This node's copy of the configuration: what reads are served from, also while PostgreSQL is away. Every row
 * carries the cluster-wide revision of its last change, and news older than what the copy holds is ignored, so
 * that notifications, reloads and this node's own writes may arrive in any order.
 */
export class EntityCopy {
  #rows = new Map<string, CopyRow>();

  get(kind: Kind, id: string): CopyRow | undefined {
    const row = this.#rows.get(keyOf(kind, id));
    return row?.body === undefined ? undefined : row;
  }

  list(kind: Kind): CopyRow[] {
    const rows: CopyRow[] = [];
    for (const row of this.#rows.values()) if (row.kind === kind && row.body !== undefined) rows.push(row);
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Takes a row (or a removal at `rev`) if it is newer than what the copy has; true if the copy changed. */
  apply(kind: Kind, id: string, rev: number, row?: Omit<CopyRow, 'kind' | 'id' | 'rev'>): boolean {
    const key = keyOf(kind, id);
    const held = this.#rows.get(key);
    if (held && held.rev >= rev) return false;
    if (!row && (!held || held.body === undefined)) {
      this.#rows.set(key, { kind, id, rev, version: 0, updatedAt: '', body: undefined });
      return false;
    }
    this.#rows.set(key, row ? { kind, id, rev, ...row } : { kind, id, rev, version: 0, updatedAt: '', body: undefined });
    return true;
  }

  /**
   * Makes the copy what a full read at revision `rev` saw: rows newer than the copy's are taken, rows the read did
   * not see are removed unless the copy learnt of them after the read. Returns what changed.
   */
  replace(rows: CopyRow[], rev: number): { kind: Kind; id: string }[] {
    const changed: { kind: Kind; id: string }[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(keyOf(r.kind, r.id));
      if (this.apply(r.kind, r.id, r.rev, r)) changed.push({ kind: r.kind, id: r.id });
    }
    for (const [key, held] of this.#rows) {
      if (seen.has(key) || held.rev > rev) continue;
      if (held.body !== undefined) changed.push({ kind: held.kind, id: held.id });
      this.#rows.delete(key);
    }
    return changed;
  }
}
