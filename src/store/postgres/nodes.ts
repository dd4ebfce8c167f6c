import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from './connection.ts';
import { PgStoreError } from './errors.ts';

export const NODE_ID_FILE = 'node-id';
/** A node writes its heartbeat this often, and counts as live while its last one is younger than LIVE_S. */
export const HEARTBEAT_MS = 2_000;
export const LIVE_S = 10;

const validId = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * This node's stable id: `given` (--node / MANTRA_NODE) if any, else DATA/node-id, made once from the host name
 * and a random suffix (two nodes cloned from one image still differ). The id names the node's audit chain.
 */
export function nodeIdOf(dataDir: string, given?: string): string {
  if (given !== undefined) {
    if (!validId.test(given)) throw new PgStoreError('node_id', { node: given });
    return given;
  }
  const file = path.join(dataDir, NODE_ID_FILE);
  if (!fs.existsSync(file)) {
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'node';
    try {
      fs.writeFileSync(file, `${host}-${randomBytes(3).toString('hex')}\n`, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const id = fs.readFileSync(file, 'utf8').trim();
  if (!validId.test(id)) throw new PgStoreError('node_id', { node: id });
  return id;
}

/**
 * The node's row in `nodes`: claimed at start (refused while another live process holds the same id, after
 * waiting out a killed one's last heartbeat), refreshed by `beat`, removed by `leave` on a clean stop.
 */
export class Heartbeat {
  readonly instance = randomUUID();
  #live = 1;

  constructor(private sql: Sql, readonly node: string, private version: string) {}

  async claim(waitMs = (LIVE_S + 2) * 1000): Promise<void> {
    const until = Date.now() + waitMs;
    for (;;) {
      const taken = await this.sql`
        insert into nodes (node, instance, started_at, seen_at, version)
        values (${this.node}, ${this.instance}, now(), now(), ${this.version})
        on conflict (node) do update set instance = excluded.instance, started_at = now(), seen_at = now(),
          version = excluded.version
        where nodes.seen_at < now() - make_interval(secs => ${LIVE_S})
        returning node`;
      if (taken.length) break;
      if (Date.now() >= until) throw new PgStoreError('node_in_use', { node: this.node });
      await new Promise((r) => setTimeout(r, 500));
    }
    await this.beat();
  }

  /** Refreshes this node's heartbeat and learns how many nodes are live; false if another process took the id. */
  async beat(): Promise<boolean> {
    const [row] = await this.sql<{ mine: boolean; live: number }[]>`
      with mine as (update nodes set seen_at = now() where node = ${this.node} and instance = ${this.instance} returning node)
      select exists (select 1 from mine) as mine,
        (select count(*)::int from nodes where seen_at > now() - make_interval(secs => ${LIVE_S}) and node <> ${this.node}) as live`;
    this.#live = 1 + row.live;
    return row.mine;
  }

  /** Nodes with a fresh heartbeat, this one included (the last count while PostgreSQL is away). */
  live(): number {
    return this.#live;
  }

  async leave(): Promise<void> {
    await this.sql`delete from nodes where node = ${this.node} and instance = ${this.instance}`;
  }
}
