import { ConnectorError } from '../errors.ts';
import type { Dialect } from './dialect.ts';
import type { Token } from './lex.ts';

export interface NamedSql {
  /** The statement with the dialect's placeholders. */
  text: string;
  /** The parameter name bound at each placeholder, in order. */
  order: string[];
}

/**
 * Turns `:name` parameters into the dialect's placeholders, numbered from `first`. Positional placeholders in the
 * source are refused: caller values reach a statement only through named parameters.
 */
export function toPlaceholders(sql: string, tokens: Token[], end: number, dialect: Dialect, first = 1): NamedSql {
  let text = '';
  let at = 0;
  const order: string[] = [];
  const slot = new Map<string, number>();
  for (const t of tokens) {
    if (t.start >= end) break;
    if (t.t === 'positional') {
      throw new ConnectorError('config', `write parameters by name (:name), not as "${sql.slice(t.start, t.end)}"`);
    }
    if (t.t !== 'named') continue;
    const name = t.text!;
    let n = dialect.reuse ? slot.get(name) : undefined;
    if (n === undefined) {
      order.push(name);
      n = first + order.length - 1;
      if (dialect.reuse) slot.set(name, n);
    }
    text += sql.slice(at, t.start) + dialect.placeholder(n);
    at = t.end;
  }
  text += sql.slice(at, end);
  return { text: text.trimEnd(), order };
}
