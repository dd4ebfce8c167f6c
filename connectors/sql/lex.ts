import { ConnectorError } from '../errors.ts';
import type { DialectName } from './dialect.ts';

/**
 * The significant pieces of a SQL text: words, named parameters, positional placeholders, punctuation.
 * String literals, quoted identifiers and comments are stepped over (literals and quoted names show up as
 * `lit` so that "something follows" stays visible); `depth` is the parenthesis depth.
 */
export interface Token {
  t: 'word' | 'named' | 'positional' | 'semi' | 'open' | 'close' | 'lit' | 'other';
  start: number;
  end: number;
  depth: number;
  /** word: upper-cased; named: the parameter name. */
  text?: string;
}

const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isWordPart = (c: number) => isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

const refuse = (message: string) => new ConnectorError('config', message);

export function lex(sql: string, dialect: DialectName): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  const my = dialect === 'mysql';
  let depth = 0;
  let i = 0;

  /** Index after a quoted run that starts at `i` with `q`; `backslash`: \ escapes the next char. */
  const quoted = (at: number, q: string, backslash: boolean): number => {
    let j = at + 1;
    while (j < n) {
      const c = sql[j];
      if (backslash && c === '\\') j += 2;
      else if (c === q) {
        if (sql[j + 1] === q) j += 2; // doubled quote
        else return j + 1;
      } else j++;
    }
    throw refuse('unterminated quoted text in the SQL statement');
  };

  const push = (t: Token['t'], start: number, end: number, text?: string) =>
    tokens.push({ t, start, end, depth, text });

  while (i < n) {
    const c = sql.charCodeAt(i);
    const ch = sql[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    // Comments.
    if (ch === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (ch === '#' && my) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      // MySQL runs the text of /*! ... */ comments: nothing may hide there.
      if (my && (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))) {
        throw refuse('executable comments (/*! ... */) are not allowed');
      }
      const nested = dialect === 'postgres' || dialect === 'mssql';
      let level = 1;
      let j = i + 2;
      while (j < n && level > 0) {
        if (sql[j] === '*' && sql[j + 1] === '/') {
          level--;
          j += 2;
        } else if (nested && sql[j] === '/' && sql[j + 1] === '*') {
          level++;
          j += 2;
        } else j++;
      }
      if (level > 0) throw refuse('unterminated comment in the SQL statement');
      i = j;
      continue;
    }
    // String literals and quoted identifiers.
    if (ch === "'") {
      const prev = sql[i - 1];
      const escapes = my || ((prev === 'E' || prev === 'e') && dialect === 'postgres' && !isWordPart(sql.charCodeAt(i - 2)));
      const end = quoted(i, "'", escapes);
      push('lit', i, end);
      i = end;
      continue;
    }
    if (ch === '"') {
      const end = quoted(i, '"', my);
      push('lit', i, end);
      i = end;
      continue;
    }
    if (ch === '`' && (my || dialect === 'sqlite')) {
      const end = quoted(i, '`', false);
      push('lit', i, end);
      i = end;
      continue;
    }
    if (ch === '[' && (dialect === 'mssql' || dialect === 'sqlite')) {
      const end = sql.indexOf(']', i + 1);
      if (end < 0) throw refuse('unterminated [identifier] in the SQL statement');
      push('lit', i, end + 1);
      i = end + 1;
      continue;
    }
    if (ch === '$' && dialect === 'postgres') {
      // $1 placeholders, or $tag$ ... $tag$ dollar quoting.
      if (isDigit(sql.charCodeAt(i + 1))) {
        let j = i + 1;
        while (isDigit(sql.charCodeAt(j))) j++;
        push('positional', i, j);
        i = j;
        continue;
      }
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j)) && sql[j] !== '$') j++;
      if (sql[j] === '$') {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        if (close < 0) throw refuse('unterminated $-quoted text in the SQL statement');
        push('lit', i, close + tag.length);
        i = close + tag.length;
        continue;
      }
    }
    if ((ch === 'q' || ch === 'Q') && dialect === 'oracle' && sql[i + 1] === "'" && !isWordPart(sql.charCodeAt(i - 1))) {
      // Oracle's q'[...]' alternative quoting.
      const open = sql[i + 2];
      const close = ({ '[': ']', '(': ')', '{': '}', '<': '>' } as Record<string, string>)[open] ?? open;
      const end = sql.indexOf(close + "'", i + 3);
      if (end < 0) throw refuse('unterminated quoted text in the SQL statement');
      push('lit', i, end + 2);
      i = end + 2;
      continue;
    }
    // Parameters.
    if (ch === ':') {
      if (sql[i + 1] === ':') {
        push('other', i, i + 2); // PostgreSQL cast
        i += 2;
        continue;
      }
      if (isWordStart(sql.charCodeAt(i + 1)) && sql.charCodeAt(i + 1) < 128) {
        let j = i + 2;
        while (j < n && isWordPart(sql.charCodeAt(j)) && sql.charCodeAt(j) < 128 && sql[j] !== '$') j++;
        push('named', i, j, sql.slice(i + 1, j));
        i = j;
        continue;
      }
      if (isDigit(sql.charCodeAt(i + 1))) {
        let j = i + 1;
        while (isDigit(sql.charCodeAt(j))) j++;
        push(dialect === 'oracle' ? 'positional' : 'other', i, j);
        i = j;
        continue;
      }
    }
    if (ch === '?') {
      push(dialect === 'mysql' || dialect === 'sqlite' ? 'positional' : 'other', i, i + 1);
      i++;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j))) j++;
      push('word', i, j, sql.slice(i, j).toUpperCase());
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && (isWordPart(sql.charCodeAt(j)) || sql[j] === '.')) j++;
      push('other', i, j);
      i = j;
      continue;
    }
    if (ch === ';') push('semi', i, i + 1);
    else if (ch === '(') {
      push('open', i, i + 1);
      depth++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      push('close', i, i + 1);
    } else push('other', i, i + 1);
    i++;
  }
  return tokens;
}
