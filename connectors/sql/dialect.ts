import { ConnectorError } from '../errors.ts';

export type DialectName = 'postgres' | 'mysql' | 'sqlite' | 'mssql' | 'oracle';

/** What differs between the SQL databases: quoting, placeholders, paging, upsert. Lexing rules live in lex.ts. */
export interface Dialect {
  name: DialectName;
  /** Quotes a validated identifier; `schema.table` becomes two quoted parts. */
  quote(identifier: string): string;
  /** The placeholder of the 1-based i-th bound value. */
  placeholder(i: number): string;
  /** Whether one placeholder may stand for a named parameter used twice ($1 twice); else each use is bound anew. */
  reuse: boolean;
  /** OFFSET is written before the row count (OFFSET … FETCH NEXT …), so its value is bound first. */
  offsetFirst: boolean;
  /** Paging clause appended after ORDER BY; `limit`/`offset` are placeholders or undefined. */
  page(limit: string | undefined, offset: string | undefined, ordered: boolean): string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/;

/** Identifiers come from configuration; anything else is refused here, before it could reach SQL text. */
export function checkIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length > 128 || !IDENTIFIER.test(name)) {
    throw new ConnectorError('config', `invalid identifier "${String(name).slice(0, 64)}"`);
  }
  return name;
}

const quoter = (open: string, close: string) => (id: string) =>
  checkIdentifier(id).split('.').map((part) => open + part + close).join('.');

const limitOffset = (limit: string | undefined, offset: string | undefined, noLimit: string) =>
  limit !== undefined
    ? ` LIMIT ${limit}${offset !== undefined ? ` OFFSET ${offset}` : ''}`
    : offset !== undefined
      ? ` LIMIT ${noLimit} OFFSET ${offset}`
      : '';

const offsetFetch = (limit: string | undefined, offset: string | undefined) =>
  limit === undefined && offset === undefined
    ? ''
    : ` OFFSET ${offset ?? '0'} ROWS${limit !== undefined ? ` FETCH NEXT ${limit} ROWS ONLY` : ''}`;

export const dialects: Record<DialectName, Dialect> = {
  postgres: {
    name: 'postgres',
    offsetFirst: false,
    quote: quoter('"', '"'),
    placeholder: (i) => `$${i}`,
    reuse: true,
    page: (limit, offset) =>
      (limit !== undefined ? ` LIMIT ${limit}` : '') + (offset !== undefined ? ` OFFSET ${offset}` : ''),
  },
  mysql: {
    name: 'mysql',
    offsetFirst: false,
    quote: quoter('`', '`'),
    placeholder: () => '?',
    reuse: false,
    page: (limit, offset) => limitOffset(limit, offset, '18446744073709551615'),
  },
  sqlite: {
    name: 'sqlite',
    offsetFirst: false,
    quote: quoter('"', '"'),
    placeholder: () => '?',
    reuse: false,
    page: (limit, offset) => limitOffset(limit, offset, '-1'),
  },
  mssql: {
    name: 'mssql',
    offsetFirst: true,
    quote: quoter('[', ']'),
    placeholder: (i) => `@p${i}`,
    reuse: true,
    // OFFSET/FETCH needs an ORDER BY; without one any order will do.
    page: (limit, offset, ordered) =>
      limit === undefined && offset === undefined
        ? ''
        : (ordered ? '' : ' ORDER BY (SELECT NULL)') + offsetFetch(limit, offset),
  },
  oracle: {
    name: 'oracle',
    offsetFirst: true,
    quote: quoter('"', '"'),
    placeholder: (i) => `:${i}`,
    // Positional binds in Oracle SQL bind by occurrence, so a name used twice is bound twice.
    reuse: false,
    page: (limit, offset) => offsetFetch(limit, offset),
  },
};
