import type { ColumnInfo, DriverPool, TableInfo } from '../driver.ts';
import { loadDriver } from '../drivers.ts';
import { ConnectorError } from '../errors.ts';
import type { AdminCall, WireRef } from './types.ts';

interface Entry {
  version: number;
  pool: Promise<DriverPool>;
  /** The pool once open: jobs then start without waiting a turn. */
  open?: DriverPool;
}

/**
 * The driver pools of one thread, one per connector. A newer connector version closes and replaces the old
 * pool (jobs still running on the old one finish first); an older version is served by the newer pool.
 */
export class DriverHost {
  #pools = new Map<string, Entry>();
  constructor(private threads: number) {}

  /** The connector's pool when it is open already and current for `ref`. */
  openPool(ref: WireRef): DriverPool | undefined {
    const cur = this.#pools.get(ref.id);
    return cur && cur.version >= ref.version ? cur.open : undefined;
  }

  pool(ref: WireRef): Promise<DriverPool> {
    const cur = this.#pools.get(ref.id);
    if (cur && cur.version >= ref.version) return cur.pool;
    const config = ref.config;
    if (!config) return Promise.reject(new ConnectorError('config', 'connector configuration missing'));
    const maxConnections = Math.max(1, Math.ceil((config.poolSize ?? 5) / Math.max(1, this.threads)));
    const entry: Entry = { version: ref.version, pool: loadDriver(config.kind).then((d) => (entry.open = d.open(config, { maxConnections, files: ref.files }))) };
    entry.pool.catch(() => {});
    this.#pools.set(ref.id, entry);
    if (cur) cur.pool.then((p) => p.close()).catch(() => {});
    return entry.pool;
  }

  async call(ref: WireRef, call: AdminCall): Promise<void | TableInfo[] | ColumnInfo[]> {
    const pool = await this.pool(ref);
    switch (call.op) {
      case 'test':
        return pool.test();
      case 'tables':
        return pool.tables();
      case 'columns':
        return pool.columns(call.table);
    }
  }

  async close() {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((e) => e.pool.then((p) => p.close())));
  }
}
