/**
 * Reads `methods.sourcecode` the way the original MANTRA meant it (compat/README.md). The original pasted these
 * fragments into SQL text; Mantra turns them into the table form instead, so each fragment is parsed here and
 * anything the table form cannot say is refused with a reason rather than guessed.
 */
import type { ConnectorKind } from '../model/connector.ts';
import { proxyStyles } from '../model/operation-proxy.ts';

/** A sourcecode that cannot be imported; the message is shown to the operator as the reason. */
export class SourceError extends Error {}

export const dbKinds: Record<string, ConnectorKind> = {
  mysql: 'mysql',
  mysqli: 'mysql',
  postgres: 'postgres',
  mssql: 'mssql',
  oci8: 'oracle',
};

/** MANTRA's wstypes are a subset of Mantra's proxy styles, under the same names. */
export const wsTypes = ['rest', 'restfull', 'restfullpar', 'soap', 'get', 'post'] as const satisfies readonly (typeof proxyStyles)[number][];
export type WsType = (typeof wsTypes)[number];

type Json = Record<string, unknown>;

/** The JSON object of a sourcecode. Some installations stored it JSON-encoded twice; both are read. */
export function parseSourceJson(text: string | null | undefined): Json {
  if (text === null || text === undefined || text.trim() === '') throw new SourceError('sourcecode is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (err) {
    throw new SourceError(`sourcecode is not valid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SourceError('sourcecode is not a JSON object');
  return value as Json;
}

/** A field as text: PHP wrote numbers and strings interchangeably. */
export function field(json: Json, name: string): string {
  const v = json[name];
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v).trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer for MANTRA's SQL fragments: identifiers (quoted in any style, or bare), strings, numbers, operators.

type Quote = '`' | '"' | '[' | '';
type Token =
  | { t: 'id'; v: string; quote: Quote }
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string }
  | { t: 'sym'; v: ',' | '.' | '*' | '(' | ')' | '@@' };

const closing: Record<string, string> = { '`': '`', '"': '"', '[': ']' };

function lex(text: string, dbtype: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('@@', i)) {
      out.push({ t: 'sym', v: '@@' });
      i += 2;
    } else if (c === '`' || c === '"' || c === '[') {
      const close = closing[c];
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SourceError(`unclosed ${c} in "${clip(text)}"`);
        if (text[i] === close) {
          if (text[i + 1] === close) { v += close; i += 2; continue; } // doubled = escaped
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ t: 'id', v, quote: c });
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SourceError(`unclosed quote in "${clip(text)}"`);
        if (text[i] === "'") {
          // SQL's doubled quote is a quote; `''` on its own is the empty string, MANTRA's caller parameter.
          if (text[i + 1] === "'") { v += "'"; i += 2; continue; }
          i++;
          break;
        }
        if (text[i] === '\\' && (dbtype === 'mysql' || dbtype === 'mysqli') && i + 1 < text.length) {
          v += text[i + 1];
          i += 2;
          continue;
        }
        v += text[i++];
      }
      out.push({ t: 'str', v });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i))!;
      out.push({ t: 'id', v: m[0], quote: '' });
      i += m[0].length;
    } else if (text.startsWith('<>', i) || text.startsWith('!=', i) || text.startsWith('<=', i) || text.startsWith('>=', i)) {
      out.push({ t: 'op', v: text.slice(i, i + 2) });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c });
      i++;
    } else if (c === ',' || c === '.' || c === '*' || c === '(' || c === ')') {
      out.push({ t: 'sym', v: c });
      i++;
    } else if (c === ';') {
      throw new SourceError(`";" in "${clip(text)}": only one statement fragment is allowed`);
    } else {
      throw new SourceError(`unexpected "${c}" in "${clip(text)}"`);
    }
  }
  return out;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

const kw = (tok: Token | undefined, word: string) => tok?.t === 'id' && tok.quote === '' && tok.v.toUpperCase() === word;

/** The quote style each database writes; MSSQL also takes double quotes (QUOTED_IDENTIFIER ON). */
const nativeQuotes: Record<string, Quote[]> = {
  mysql: ['`'],
  mysqli: ['`'],
  postgres: ['"'],
  mssql: ['[', '"'],
  oci8: ['"'],
};
const styleName: Record<string, string> = { '`': 'MySQL', '"': 'ANSI', '[': 'SQL Server' };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Parses `ident(.ident)*` at tokens[pos]; returns the dotted name as Mantra's dialects quote it again. */
class Reader {
  pos = 0;
  warnings: string[] = [];
  /** The last part of the last name read, as written (unquoted, unfolded): what callers name a parameter. */
  written = '';
  constructor(private toks: Token[], private dbtype: string, private where: string) {}

  peek(offset = 0) {
    return this.toks[this.pos + offset];
  }
  next() {
    return this.toks[this.pos++];
  }
  done() {
    return this.pos >= this.toks.length;
  }
  skip(sym: string) {
    while (this.peek()?.t === 'sym' && this.peek()!.v === sym) this.pos++;
  }

  identifier(): string {
    const parts: string[] = [];
    for (;;) {
      const tok = this.next();
      if (!tok || tok.t !== 'id') throw new SourceError(`${this.where}: expected a column or table name${tok ? ` at "${show(tok)}"` : ' at the end'}`);
      parts.push(this.part(tok));
      this.written = tok.v;
      if (this.peek()?.t === 'sym' && this.peek()!.v === '.') {
        this.pos++;
        continue;
      }
      return parts.join('.');
    }
  }

  part(tok: Extract<Token, { t: 'id' }>): string {
    if (tok.quote === '') {
      // Unquoted names fold the way the database folds them, so the quoted name Mantra writes means the same.
      if (this.dbtype === 'postgres') return tok.v.toLowerCase();
      if (this.dbtype === 'oci8') return tok.v.toUpperCase();
      return tok.v;
    }
    if (!nativeQuotes[this.dbtype]?.includes(tok.quote)) {
      this.warnings.push(`${this.where}: ${tok.v} is quoted in ${styleName[tok.quote]} style, which ${this.dbtype} does not use; read as the name ${tok.v}`);
    }
    if (!IDENTIFIER.test(tok.v)) {
      throw new SourceError(`${this.where}: the name "${tok.v}" has characters Mantra does not accept in names (letters, digits, "_" and "$" only)`);
    }
    return tok.v;
  }
}

function show(tok: Token): string {
  if (tok.t === 'str') return `'${tok.v}'`;
  if (tok.t === 'id' && tok.quote) return `${tok.quote}${tok.v}${closing[tok.quote]}`;
  return tok.v;
}

// ---------------------------------------------------------------------------------------------------------------
// database methods

export type Op = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'LIKE';

export interface SourceCondition {
  column: string;
  op: Op;
  /** Caller parameter (MANTRA's `''`): named after the column, as the original's callers send it. */
  param?: string;
  value?: string | number;
  join: 'AND' | 'OR';
}

export interface DatabaseSource {
  dbtype: string;
  kind: ConnectorKind;
  hostname: string;
  port?: number;
  user: string;
  password: string;
  database: string;
  table: string;
  /** Empty = every column (`*`). */
  columns: { column: string; as?: string }[];
  conditions: SourceCondition[];
  /** Caller parameters in order of first use; one per distinct column. */
  params: string[];
  order: { column: string; dir: 'ASC' | 'DESC' }[];
  limit?: number;
  offset?: number;
  warnings: string[];
}

export function readDatabaseSource(json: Json): DatabaseSource {
  const dbtype = field(json, 'dbtype').toLowerCase();
  const kind = dbKinds[dbtype];
  if (!kind) {
    throw new SourceError(`unknown dbtype "${field(json, 'dbtype')}" (MANTRA knows ${Object.keys(dbKinds).join(', ')})`);
  }
  const warnings: string[] = [];
  const tbname = field(json, 'tbname');
  if (!tbname) throw new SourceError('tbname (the table) is empty');
  const t = new Reader(lex(tbname, dbtype), dbtype, 'tbname');
  const table = t.identifier();
  if (!t.done()) throw new SourceError(`tbname: "${clip(tbname)}" is more than one table name`);
  warnings.push(...t.warnings);

  const cols = readColumns(field(json, 'columns'), dbtype, warnings);
  const { conditions, params } = readConditions(field(json, 'conditions'), dbtype, warnings);
  const order = readOrders(field(json, 'orders'), dbtype, warnings);
  const limit = readCount(field(json, 'limrows'), 'limrows', 'LIMIT');
  const offset = readCount(field(json, 'limoffset'), 'limoffset', 'OFFSET');

  const host = hostAndPort(field(json, 'hostname'));
  const portText = field(json, 'port');
  let port = host.port;
  if (portText) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new SourceError(`port "${portText}" is not a port number`);
    }
    port = Number(portText);
  }
  return {
    dbtype, kind, hostname: host.host, port, user: field(json, 'dbuser'), password: rawField(json, 'dbpassword'),
    database: field(json, 'dbname'), table, columns: cols, conditions, params, order,
    limit: limit || undefined, offset: offset || undefined, warnings,
  };
}

/** Passwords are taken exactly as stored (spaces included). */
function rawField(json: Json, name: string): string {
  const v = json[name];
  return v === null || v === undefined ? '' : String(v);
}

/** `host:port`, `[v6]:port` and MSSQL's `host,port` in the hostname field. */
function hostAndPort(text: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?:[:,](\d{1,5}))?$/.exec(text) ?? /^([^:,]+)[:,](\d{1,5})$/.exec(text);
  if (!m) return { host: text };
  return { host: m[1], port: m[2] === undefined ? undefined : Number(m[2]) };
}

function readColumns(text: string, dbtype: string, warnings: string[]): { column: string; as?: string }[] {
  if (text === '' || text === '*') return [];
  const r = new Reader(lex(text, dbtype), dbtype, 'columns');
  const out: { column: string; as?: string }[] = [];
  while (!r.done()) {
    r.skip('@@');
    if (r.peek()?.t === 'sym' && r.peek()!.v === '*') {
      throw new SourceError('columns: "*" together with named columns cannot be expressed in the table form');
    }
    const column = r.identifier();
    if (r.peek()?.t === 'sym' && r.peek()!.v === '(') {
      throw new SourceError(`columns: "${column}(...)" is an expression; the table form takes column names only`);
    }
    let as: string | undefined;
    if (kw(r.peek(), 'AS')) r.pos++;
    const alias = r.peek();
    if (alias?.t === 'id') {
      as = r.identifier();
    } else if (alias?.t === 'str') {
      r.pos++;
      as = alias.v;
    }
    out.push(as !== undefined && as !== column ? { column, as } : { column });
    r.skip('@@');
    const sep = r.next();
    if (sep && !(sep.t === 'sym' && sep.v === ',')) throw new SourceError(`columns: expected "," at "${show(sep)}"`);
  }
  warnings.push(...r.warnings);
  return out;
}

const ops: Record<string, Op> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function readConditions(text: string, dbtype: string, warnings: string[]) {
  const conditions: SourceCondition[] = [];
  const params: string[] = [];
  if (text === '') return { conditions, params };
  const r = new Reader(lex(text, dbtype), dbtype, 'conditions');
  while (!r.done()) {
    r.skip('@@');
    if (r.done()) break;
    let join: 'AND' | 'OR' = 'AND';
    if (conditions.length === 0) {
      if (kw(r.peek(), 'WHERE')) r.pos++;
      else if (kw(r.peek(), 'AND') || kw(r.peek(), 'OR')) r.pos++; // a clause list that starts with its joiner
    } else if (kw(r.peek(), 'AND') || kw(r.peek(), 'OR')) {
      join = (r.next() as { v: string }).v.toUpperCase() as 'AND' | 'OR';
    } else if (kw(r.peek(), 'WHERE')) {
      r.pos++; // each clause written with its own WHERE: the original's later ones read as AND
    } else {
      throw new SourceError(`conditions: expected AND or OR before "${show(r.peek()!)}"`);
    }
    if (r.peek()?.t === 'sym' && r.peek()!.v === '(') {
      throw new SourceError('conditions: parentheses cannot be expressed in the table form');
    }
    const column = r.identifier();
    const opTok = r.next();
    let op: Op;
    if (opTok?.t === 'op' && ops[opTok.v]) op = ops[opTok.v];
    else if (kw(opTok, 'LIKE')) op = 'LIKE';
    else {
      const what = opTok ? show(opTok) + (opTok.t === 'id' && r.peek() ? ` ${show(r.peek()!)}` : '') : 'nothing';
      throw new SourceError(`conditions: operator "${what}" after ${column} is not one of = <> < <= > >= LIKE`);
    }
    const v = r.next();
    if (v?.t === 'str' && v.v === '') {
      const name = r.written;
      if (!IDENTIFIER.test(name)) throw new SourceError(`conditions: "${name}" cannot be a parameter name`);
      if (!params.includes(name)) params.push(name);
      conditions.push({ column, op, param: name, join });
    } else if (v?.t === 'str') {
      conditions.push({ column, op, value: v.v, join });
    } else if (v?.t === 'num') {
      conditions.push({ column, op, value: Number(v.v), join });
    } else {
      throw new SourceError(`conditions: ${column} ${op} needs '' (a caller parameter) or a fixed value${v ? `, not "${show(v)}"` : ''}`);
    }
  }
  warnings.push(...r.warnings);
  return { conditions, params };
}

function readOrders(text: string, dbtype: string, warnings: string[]) {
  const out: { column: string; dir: 'ASC' | 'DESC' }[] = [];
  if (text === '') return out;
  const r = new Reader(lex(text, dbtype), dbtype, 'orders');
  while (!r.done()) {
    r.skip('@@');
    r.skip(',');
    if (r.done()) break;
    if (kw(r.peek(), 'ORDER') && kw(r.peek(1), 'BY')) {
      r.pos += 2;
      continue;
    }
    const column = r.identifier();
    let dir: 'ASC' | 'DESC' = 'ASC';
    if (kw(r.peek(), 'ASC') || kw(r.peek(), 'DESC')) dir = (r.next() as { v: string }).v.toUpperCase() as 'ASC' | 'DESC';
    const sep = r.peek();
    if (sep && !(sep.t === 'sym' && (sep.v === ',' || sep.v === '@@'))) throw new SourceError(`orders: expected "," at "${show(sep)}"`);
    out.push({ column, dir });
  }
  warnings.push(...r.warnings);
  return out;
}

/** limrows / limoffset: a whole number, maybe written with its keyword; empty or 0 = none. */
function readCount(text: string, name: string, keyword: string): number {
  if (text === '') return 0;
  const m = new RegExp(`^(?:${keyword}\\s+)?(\\d{1,12})$`, 'i').exec(text);
  if (!m) throw new SourceError(`${name} "${clip(text)}" is not a whole number`);
  return Number(m[1]);
}

// ---------------------------------------------------------------------------------------------------------------
// services (proxy) methods

export interface RequestField {
  name: string;
  /** MANTRA's declared type, kept for the description; values travel as text either way. */
  type: string;
  /** Supplied by the caller (MANTRA's `''`); otherwise `value` is fixed. */
  caller: boolean;
  value?: string;
}

export interface ServicesSource {
  style: WsType;
  endpoint: string;
  method: string;
  accessKey: string;
  request: RequestField[];
  warnings: string[];
}

export function readServicesSource(json: Json): ServicesSource {
  const wstype = field(json, 'wstype').toLowerCase();
  if (!(wsTypes as readonly string[]).includes(wstype)) {
    throw new SourceError(`unknown wstype "${field(json, 'wstype')}" (MANTRA knows ${wsTypes.join(', ')})`);
  }
  return {
    style: wstype as WsType,
    endpoint: field(json, 'endpoint'),
    method: field(json, 'method'),
    accessKey: field(json, 'accesskey'),
    request: parseRequest(field(json, 'request')),
    warnings: [],
  };
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_$.]*$/;

/** `name:type=value,...`; `''` = the caller supplies it. Commas inside quotes belong to the value. */
export function parseRequest(text: string): RequestField[] {
  const out: RequestField[] = [];
  if (text.trim() === '') return out;
  for (const part of splitOutsideQuotes(text, ',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const head = (eq < 0 ? item : item.slice(0, eq)).trim();
    const rawValue = eq < 0 ? undefined : item.slice(eq + 1).trim();
    const [name, type = 'string'] = head.split(':').map((s) => s.trim());
    if (!PARAM_NAME.test(name)) throw new SourceError(`request: "${clip(name)}" is not a usable parameter name`);
    if (out.some((f) => f.name === name)) throw new SourceError(`request: parameter ${name} is declared twice`);
    // No value at all reads like `''`: the original then took the caller's value.
    if (rawValue === undefined || rawValue === "''") {
      out.push({ name, type, caller: true });
    } else {
      const quoted = /^'(.*)'$/s.exec(rawValue);
      out.push({ name, type, caller: false, value: quoted ? quoted[1].replace(/''/g, "'") : rawValue });
    }
  }
  return out;
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) throw new SourceError(`request: unclosed quote in "${clip(text)}"`);
  parts.push(current);
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// program methods

/** The PHP source of a `program` method: a field of its JSON, or the raw text when it is not JSON. Never run. */
export function readProgramSource(text: string | null | undefined): string {
  const raw = text ?? '';
  try {
    const json = parseSourceJson(raw);
    for (const name of ['program', 'sourcecode', 'source', 'code', 'php', 'script']) {
      if (typeof json[name] === 'string') return json[name] as string;
    }
    return JSON.stringify(json, null, 2);
  } catch {
    return raw;
  }
}
