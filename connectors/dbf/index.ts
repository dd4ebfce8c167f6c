import { open as openFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DBFFile } from 'dbffile';
import type { Connector } from '../../src/model/connector.ts';
import { type ColumnInfo, type Driver, type DriverPool, type OpenOptions, type QueryOptions, Watch } from '../driver.ts';
import { ConnectorError, messages, rawText } from '../errors.ts';
import { allowedPath, notAllowedMessage } from '../file-access.ts';
import { checkIdentifier } from '../sql/dialect.ts';
import type { Plan, Row } from '../types.ts';
import { predicate, sorter } from './filter.ts';
import { codePage, converter, type Field } from './values.ts';

/** Records read from the file per step; the timer and the abort signal are checked between steps. */
const READ_BATCH = 1000;

const unavailable = (err: unknown) => new ConnectorError('unavailable', messages.unavailable, rawText(err));

function open(config: Connector, opts?: OpenOptions): DriverPool {
  /** A path inside the folder, resolved and checked on every use: files are read per query, not held open. */
  const allowed = (path: string) => {
    const resolved = allowedPath(path, opts?.files);
    if (!resolved) throw new ConnectorError('config', notAllowedMessage);
    return resolved;
  };
  const folder = () => allowed(config.path ?? '');

  /** The file of a table, matched without regard to case (dBase names are often upper case). */
  async function file(table: string): Promise<string> {
    const want = `${checkIdentifier(table).toLowerCase()}.dbf`;
    const dir = folder();
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw unavailable(err);
    }
    const name = names.find((n) => n.toLowerCase() === want);
    if (!name) throw new ConnectorError('query', `unknown table "${table}"`);
    return allowed(join(dir, name));
  }

  /** The configured code page, else the one the file's header names, else latin1. */
  async function encoding(path: string): Promise<string> {
    if (config.encoding) return config.encoding;
    const fh = await openFile(path, 'r');
    try {
      const head = new Uint8Array(32);
      await fh.read(head, 0, 32, 0);
      return codePage(head[29]) ?? 'latin1';
    } finally {
      await fh.close();
    }
  }

  async function dbf(table: string): Promise<DBFFile> {
    const path = await file(table);
    try {
      return await DBFFile.open(path, { encoding: await encoding(path), readMode: 'loose' });
    } catch (err) {
      throw new ConnectorError('query', 'the DBF file could not be read', rawText(err));
    }
  }

  async function query(plan: Plan, opts: QueryOptions): Promise<number> {
    if (plan.type !== 'scan') throw new ConnectorError('config', 'a DBF connector reads table plans only');
    const watch = new Watch(opts);
    try {
      const table = await dbf(plan.table);
      const fields = (table.fields as Field[]).filter((f) => f.type !== '0'); // VFP's hidden _NullFlags
      const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
      const field = (column: string) => {
        const f = byName.get(column.toLowerCase());
        if (!f) throw new ConnectorError('query', `unknown column "${column}"`);
        return f;
      };
      // Output keys: the configured column names, or the file's own names for "all columns".
      const out = plan.columns.length
        ? plan.columns.map((c) => ({ key: c, f: field(c) }))
        : fields.map((f) => ({ key: f.name, f }));
      // Conditions and order may use columns that are not output: rows carry every needed field under its name.
      const needed = new Map<string, Field>();
      for (const { f } of out) needed.set(f.name, f);
      for (const w of plan.where) needed.set(field(w.column).name, field(w.column));
      for (const o of plan.order) needed.set(field(o.column).name, field(o.column));
      const reads = [...needed.values()].map((f) => ({ name: f.name, conv: converter(f) }));
      const key = (column: string) => field(column).name;
      const test = predicate(plan.where, key);
      const project = (r: Row): Row => {
        const row: Row = {};
        for (const o of out) row[o.key] = r[o.f.name];
        return row;
      };

      const sorted = plan.order.length > 0;
      let skip = plan.offset ?? 0;
      const limit = Math.min(plan.limit ?? Infinity, opts.maxRows);
      let delivered = 0;
      const all: Row[] = [];
      let batch: Row[] = [];
      const hand = async (rows: Row[]) => {
        watch.pause();
        await opts.onBatch(rows);
        watch.resume();
        watch.check();
      };

      while (delivered < limit) {
        const records = await table.readRecords(READ_BATCH);
        watch.check();
        if (records.length === 0) break;
        for (const rec of records) {
          const r: Row = {};
          for (const { name, conv } of reads) r[name] = conv((rec as Record<string, unknown>)[name]);
          if (test && !test(r)) continue;
          if (sorted) {
            all.push(r);
            continue;
          }
          if (skip > 0) {
            skip--;
            continue;
          }
          batch.push(project(r));
          if (++delivered >= limit) break;
          if (batch.length >= opts.batchSize) {
            await hand(batch);
            batch = [];
          }
        }
      }
      if (sorted) {
        all.sort(sorter(plan.order, key));
        const page = all.slice(skip, skip + (Number.isFinite(limit) ? limit : all.length));
        for (let i = 0; i < page.length; i += opts.batchSize) {
          await hand(page.slice(i, i + opts.batchSize).map(project));
        }
        return page.length;
      }
      if (batch.length) await hand(batch);
      return delivered;
    } catch (err) {
      if (watch.fired) throw watch.error();
      throw err instanceof ConnectorError ? err : new ConnectorError('query', 'the DBF file could not be read', rawText(err));
    } finally {
      watch.stop();
    }
  }

  return {
    query,
    execute() {
      return Promise.reject(new ConnectorError('config', 'DBF connectors are read-only'));
    },
    async test() {
      const dir = folder();
      try {
        if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
      } catch (err) {
        throw unavailable(err);
      }
    },
    async tables() {
      const dir = folder();
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        throw unavailable(err);
      }
      return names
        .filter((n) => /^[A-Za-z_][A-Za-z0-9_$.]*\.dbf$/i.test(n))
        .map((n) => ({ name: n.slice(0, -4), type: 'table' as const }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async columns(table: string): Promise<ColumnInfo[]> {
      const t = await dbf(table);
      return (t.fields as Field[])
        .filter((f) => f.type !== '0')
        .map((f) => ({
          name: f.name,
          type: f.decimalPlaces ? `${f.type}(${f.size},${f.decimalPlaces})` : `${f.type}(${f.size})`,
          nullable: true,
        }));
    },
    async close() {},
  };
}

export const driver: Driver = { open };
