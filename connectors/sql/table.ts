import type { Condition, DataTable } from '../../src/model/operation-data.ts';
import { conditionOps } from '../../src/model/operation-data.ts';
import { ConnectorError } from '../errors.ts';
import type { Value } from '../types.ts';
import type { Dialect } from './dialect.ts';

/** Where a bound value comes from: a caller parameter (by name) or a fixed value from configuration. */
export type Source = { param: string } | { value: Value };

/** A statement with its placeholders numbered from 1 and the source of each bound value, in order. */
export interface Template {
  text: string;
  sources: Source[];
  write: boolean;
  /** Has its own ORDER BY (mssql paging needs one). */
  ordered: boolean;
}

const ops = new Set<string>(conditionOps);

/** Numbers placeholders as text is written left to right. */
class Writer {
  sources: Source[] = [];
  constructor(private d: Dialect) {}
  bind(source: Source): string {
    this.sources.push(source);
    return this.d.placeholder(this.sources.length);
  }
}

function where(conditions: Condition[], d: Dialect, w: Writer): string {
  if (conditions.length === 0) return '';
  const parts = conditions.map((c, i) => {
    if (!ops.has(c.op)) throw new ConnectorError('config', `unknown condition operator "${String(c.op).slice(0, 16)}"`);
    if ((c.param === undefined) === (c.value === undefined)) {
      throw new ConnectorError('config', `condition on "${c.column}": give exactly one of param or value`);
    }
    const source: Source = c.param !== undefined ? { param: c.param } : { value: c.value as Value };
    const clause = `${d.quote(c.column)} ${c.op} ${w.bind(source)}`;
    return i === 0 ? clause : `${c.join === 'OR' ? 'OR' : 'AND'} ${clause}`;
  });
  return ` WHERE ${parts.join(' ')}`;
}

function upsert(spec: DataTable, d: Dialect, w: Writer): string {
  const t = d.quote(spec.table);
  const cols = spec.columns;
  if (spec.keys.length === 0) throw new ConnectorError('config', 'upsert needs its conflict key columns (keys)');
  for (const k of spec.keys) {
    if (!cols.includes(k)) throw new ConnectorError('config', `upsert key "${k}" must be one of the columns`);
  }
  if (spec.conditions.length > 0) throw new ConnectorError('config', 'upsert takes no conditions');
  const rest = cols.filter((c) => !spec.keys.includes(c));
  const q = (c: string) => d.quote(c);
  const list = cols.map(q).join(', ');
  if (d.name === 'postgres' || d.name === 'sqlite' || d.name === 'mysql') {
    const values = cols.map((c) => w.bind({ param: c })).join(', ');
    const head = `INSERT INTO ${t} (${list}) VALUES (${values})`;
    if (d.name === 'mysql') {
      // Without other columns, "update" a key to itself: a no-op that still counts as success.
      const set = (rest.length ? rest : spec.keys.slice(0, 1)).map((c) => `${q(c)} = VALUES(${q(c)})`).join(', ');
      return `${head} ON DUPLICATE KEY UPDATE ${set}`;
    }
    const target = spec.keys.map(q).join(', ');
    return rest.length
      ? `${head} ON CONFLICT (${target}) DO UPDATE SET ${rest.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`
      : `${head} ON CONFLICT (${target}) DO NOTHING`;
  }
  // MERGE (mssql, oracle).
  const source = cols.map((c) => `${w.bind({ param: c })} AS ${q(c)}`).join(', ');
  const using = d.name === 'oracle' ? `(SELECT ${source} FROM dual) src` : `(SELECT ${source}) AS src`;
  const on = spec.keys.map((k) => `tgt.${q(k)} = src.${q(k)}`).join(' AND ');
  const matched = rest.length
    ? ` WHEN MATCHED THEN UPDATE SET ${rest.map((c) => `tgt.${q(c)} = src.${q(c)}`).join(', ')}`
    : '';
  const insert = ` WHEN NOT MATCHED THEN INSERT (${list}) VALUES (${cols.map((c) => `src.${q(c)}`).join(', ')})`;
  const into = d.name === 'oracle' ? `MERGE INTO ${t} tgt` : `MERGE INTO ${t} AS tgt`;
  return `${into} USING ${using} ON (${on})${matched}${insert}${d.name === 'mssql' ? ';' : ''}`;
}

/** The table form as one statement; paging is added per call (see compile.ts). */
export function tableTemplate(spec: DataTable, d: Dialect): Template {
  const w = new Writer(d);
  const t = d.quote(spec.table);
  const action = spec.action ?? 'select';
  if (action !== 'select' && !spec.write) {
    throw new ConnectorError('config', `the operation must allow writes to ${action}`);
  }
  if ((action === 'insert' || action === 'update' || action === 'upsert') && spec.columns.length === 0) {
    throw new ConnectorError('config', `${action} needs the columns it sets`);
  }
  let text: string;
  switch (action) {
    case 'select': {
      const cols = spec.columns.length ? spec.columns.map((c) => d.quote(c)).join(', ') : '*';
      text = `SELECT ${cols} FROM ${t}${where(spec.conditions, d, w)}`;
      if (spec.order.length) text += ` ORDER BY ${spec.order.map((o) => `${d.quote(o.column)} ${o.dir === 'DESC' ? 'DESC' : 'ASC'}`).join(', ')}`;
      return { text, sources: w.sources, write: false, ordered: spec.order.length > 0 };
    }
    case 'insert': {
      const values = spec.columns.map((c) => w.bind({ param: c })).join(', ');
      text = `INSERT INTO ${t} (${spec.columns.map((c) => d.quote(c)).join(', ')}) VALUES (${values})`;
      break;
    }
    case 'update': {
      if (spec.conditions.length === 0) throw new ConnectorError('config', 'update needs at least one condition');
      const set = spec.columns.map((c) => `${d.quote(c)} = ${w.bind({ param: c })}`).join(', ');
      text = `UPDATE ${t} SET ${set}${where(spec.conditions, d, w)}`;
      break;
    }
    case 'delete':
      if (spec.conditions.length === 0) throw new ConnectorError('config', 'delete needs at least one condition');
      text = `DELETE FROM ${t}${where(spec.conditions, d, w)}`;
      break;
    case 'upsert':
      text = upsert(spec, d, w);
      break;
    default:
      throw new ConnectorError('config', `unknown action "${String(action).slice(0, 16)}"`);
  }
  return { text, sources: w.sources, write: true, ordered: false };
}
