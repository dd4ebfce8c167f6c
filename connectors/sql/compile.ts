import type { DataSpec, DataSql, DataTable } from '../../src/model/operation-data.ts';
import type { ConnectorKind } from '../../src/model/connector.ts';
import { ConnectorError } from '../errors.ts';
import type { Plan, ScanPlan, SqlPlan, Value } from '../types.ts';
import { checkIdentifier, type Dialect, type DialectName, dialects } from './dialect.ts';
import { inspect } from './guard.ts';
import { lex } from './lex.ts';
import { toPlaceholders } from './named.ts';
import { type Source, tableTemplate } from './table.ts';

export interface Page {
  limit?: number;
  offset?: number;
}

/** A ready-to-run data operation: caller values (and a caller page) in, a Plan out. */
export interface CompiledData {
  (values: Record<string, Value>, page?: Page): Plan;
  /** Caller parameters the statement binds. */
  readonly names: readonly string[];
  /** The plan's answer is an affected-row count. */
  readonly write: boolean;
}

type Values = Record<string, Value>;
type Read = (values: Values) => Value;

const reader = (s: Source): Read =>
  'param' in s ? (values) => values[s.param] ?? null : () => s.value;

function pageNumber(n: number | undefined, what: string): number | undefined {
  if (n === undefined || n === null) return undefined;
  if (!Number.isSafeInteger(n) || n < 0) throw new ConnectorError('query', `${what} must be a whole number ≥ 0`);
  return n;
}

/**
 * The limit and offset of one call: the caller may only narrow the operation's own limit; a caller offset
 * moves within what the operation selects.
 */
function window(own: { limit?: number; offset?: number }, page: Page | undefined) {
  const pl = pageNumber(page?.limit, 'limit');
  const po = pageNumber(page?.offset, 'offset') ?? 0;
  const limit = own.limit === undefined ? pl : pl === undefined ? own.limit : Math.min(own.limit, pl);
  const offset = (own.offset ?? 0) + po;
  return { limit, offset: offset > 0 ? offset : undefined };
}

/**
 * A statement plus its paging variants (no paging, limit, offset, both), each built once on first use.
 * `base` binds `count` values; paging values are bound after them.
 */
function pager(d: Dialect, count: number, build: (clause: string) => string, ordered: boolean) {
  const variants: { text: string; offsetFirst: boolean }[] = [];
  return (limit: number | undefined, offset: number | undefined) => {
    const key = (limit !== undefined ? 1 : 0) | (offset !== undefined ? 2 : 0);
    let v = variants[key];
    if (!v) {
      let n = count;
      const first = d.offsetFirst ? offset : limit;
      const firstPh = first !== undefined ? d.placeholder(++n) : undefined;
      const second = d.offsetFirst ? limit : offset;
      const secondPh = second !== undefined ? d.placeholder(++n) : undefined;
      const clause = d.offsetFirst ? d.page(secondPh, firstPh, ordered) : d.page(firstPh, secondPh, ordered);
      v = variants[key] = { text: build(clause), offsetFirst: d.offsetFirst };
    }
    return v;
  };
}

function attach(fn: (values: Values, page?: Page) => Plan, names: Iterable<string>, write: boolean): CompiledData {
  return Object.assign(fn, { names: Object.freeze([...new Set(names)]), write });
}

function compileTable(spec: DataTable, d: Dialect): CompiledData {
  const t = tableTemplate(spec, d);
  const reads = t.sources.map(reader);
  const n = reads.length;
  const names = t.sources.flatMap((s) => ('param' in s ? [s.param] : []));
  const params = (values: Values) => {
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = reads[i](values);
    return out;
  };
  if (t.write) {
    const text = t.text;
    return attach((values) => ({ type: 'sql', sql: text, params: params(values), write: true }), names, true);
  }
  const variant = pager(d, n, (clause) => t.text + clause, t.ordered);
  const own = { limit: spec.limit, offset: spec.offset };
  const plain = own.limit === undefined && own.offset === undefined;
  return attach((values, page) => {
    const p = params(values);
    if (plain && page === undefined) return { type: 'sql', sql: t.text, params: p, write: false };
    return paged(variant, window(own, page), p);
  }, names, false);
}

function paged(
  variant: (l: number | undefined, o: number | undefined) => { text: string; offsetFirst: boolean },
  w: { limit?: number; offset?: number },
  params: Value[],
): SqlPlan {
  const v = variant(w.limit, w.offset);
  const [a, b] = v.offsetFirst ? [w.offset, w.limit] : [w.limit, w.offset];
  if (a !== undefined) params.push(a);
  if (b !== undefined) params.push(b);
  return { type: 'sql', sql: v.text, params, write: false };
}

/** Top-level words after which paging cannot simply be appended: the statement is wrapped instead. */
const ownPaging = new Set(['LIMIT', 'OFFSET', 'FETCH', 'TOP', 'FOR', 'LOCK', 'PROCEDURE', 'INTO']);

function compileSql(spec: DataSql, d: Dialect): CompiledData {
  const tokens = lex(spec.sql, d.name);
  const info = inspect(spec.sql, tokens);
  if (info.writes && !spec.write) {
    throw new ConnectorError('config', `the SQL statement writes (${info.because}) but the operation does not allow writes`);
  }
  const named = toPlaceholders(spec.sql, tokens, info.end, d);
  const reads = named.order.map((name) => (values: Values) => values[name] ?? null);
  const n = reads.length;
  const params = (values: Values) => {
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = reads[i](values);
    return out;
  };
  const text = named.text;
  if (info.countOnly) {
    return attach((values) => ({ type: 'sql', sql: text, params: params(values), write: true }), named.order, true);
  }
  // Appending keeps the statement's own ORDER BY in force (MariaDB drops it inside a derived table);
  // a statement with its own paging is wrapped as a subquery.
  const top = tokens.filter((t) => t.t === 'word' && t.depth === 0 && t.start < info.end).map((t) => t.text!);
  const wrap = top.some((w) => ownPaging.has(w));
  const ordered = !wrap && top.includes('ORDER');
  const variant = pager(d, n, (clause) =>
    clause === '' ? text : wrap ? `SELECT * FROM (\n${text}\n) mantra_page${clause}` : `${text}\n${clause.trimStart()}`,
  ordered);
  return attach((values, page) => {
    const p = params(values);
    if (page === undefined || (page.limit === undefined && !page.offset)) return { type: 'sql', sql: text, params: p, write: false };
    return paged(variant, window({}, page), p);
  }, named.order, false);
}

function compileScan(spec: DataTable): CompiledData {
  if ((spec.action ?? 'select') !== 'select') throw new ConnectorError('config', 'DBF connectors are read-only');
  const table = checkIdentifier(spec.table);
  const columns = spec.columns.map(checkIdentifier);
  const conds = spec.conditions.map((c) => ({
    column: checkIdentifier(c.column),
    op: c.op,
    join: c.join,
    read: reader(c.param !== undefined ? { param: c.param } : { value: c.value as Value }),
  }));
  const order = spec.order.map((o) => ({ column: checkIdentifier(o.column), dir: o.dir }));
  const own = { limit: spec.limit, offset: spec.offset };
  const names = spec.conditions.flatMap((c) => (c.param !== undefined ? [c.param] : []));
  return attach((values, page) => {
    const w = window(own, page);
    const plan: ScanPlan = {
      type: 'scan',
      table,
      columns,
      where: conds.map((c) => ({ column: c.column, op: c.op, join: c.join, value: c.read(values) })),
      order,
    };
    if (w.limit !== undefined) plan.limit = w.limit;
    if (w.offset !== undefined) plan.offset = w.offset;
    return plan;
  }, names, false);
}

/** Compiles a data operation once per configuration; the returned function runs per call. */
export function compileData(spec: DataSpec, kind: ConnectorKind): CompiledData {
  if (kind === 'dbf') {
    if (spec.form !== 'table') throw new ConnectorError('config', 'DBF connectors take the table form, not SQL');
    return compileScan(spec);
  }
  const d = dialects[kind as DialectName];
  if (!d) throw new ConnectorError('config', `connector kind "${kind}" runs no SQL`);
  return spec.form === 'table' ? compileTable(spec, d) : compileSql(spec, d);
}
