import { ConnectorError } from '../errors.ts';
import type { Token } from './lex.ts';

/** A statement that begins with one of these reads (unless a write word hides inside, see below). */
const readStarts = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/** Words that make a read a write wherever they stand: data-modifying CTEs, SELECT INTO, row locks, DDL. */
const writeWords = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'UPSERT', 'INTO', 'TRUNCATE', 'DROP', 'CREATE', 'ALTER', 'GRANT', 'REVOKE',
]);

/** Functions with side effects (or that run SQL text) that a read-only statement must not call. */
const writeFunctions = new Set([
  'NEXTVAL', 'SETVAL', 'LO_IMPORT', 'LO_EXPORT', 'LO_UNLINK', 'LO_CREATE', 'LO_FROM_BYTEA', 'LO_PUT',
  'PG_READ_FILE', 'PG_READ_BINARY_FILE', 'PG_LS_DIR', 'PG_TERMINATE_BACKEND', 'PG_CANCEL_BACKEND',
  'PG_RELOAD_CONF', 'PG_ROTATE_LOGFILE', 'PG_ADVISORY_LOCK', 'PG_ADVISORY_XACT_LOCK', 'DBLINK', 'DBLINK_EXEC',
  'QUERY_TO_XML', 'QUERY_TO_XML_AND_XMLSCHEMA', 'CURSOR_TO_XML', 'LOAD_FILE', 'SYS_EXEC', 'SYS_EVAL',
  'XP_CMDSHELL', 'OPENROWSET', 'OPENQUERY', 'OPENDATASOURCE',
]);

export interface Inspection {
  /** End of the statement text (before a trailing `;`). */
  end: number;
  /** Some part of it writes. */
  writes: boolean;
  /** Its answer is an affected-row count, not rows: it writes at the top level and returns nothing. */
  countOnly: boolean;
  /** Why it counts as a write (the first word found), for the error message. */
  because?: string;
}

/** One statement only; tells whether it writes. */
export function inspect(sql: string, tokens: Token[]): Inspection {
  const semi = tokens.findIndex((t) => t.t === 'semi');
  if (semi >= 0 && tokens.slice(semi + 1).some((t) => t.t !== 'semi')) {
    throw new ConnectorError('config', 'the SQL form allows exactly one statement');
  }
  const body = semi >= 0 ? tokens.slice(0, semi) : tokens;
  if (body.length === 0) throw new ConnectorError('config', 'the SQL statement is empty');

  const first = body.find((t) => t.t !== 'open');
  let because = first?.t === 'word' && readStarts.has(first.text!) ? undefined : (first?.text ?? 'statement');
  let topWrite = because !== undefined;
  let returning = false;
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.t !== 'word') continue;
    const w = t.text!;
    if (writeWords.has(w)) {
      because ??= w;
      // FOR UPDATE locks rows but still answers rows.
      const locking = w === 'UPDATE' && body[i - 1]?.text === 'FOR';
      if (t.depth === 0 && !locking) topWrite = true;
    } else if (writeFunctions.has(w) && body[i + 1]?.t === 'open') {
      because ??= w.toLowerCase() + '()';
    } else if ((w === 'RETURNING' || w === 'OUTPUT') && t.depth === 0) {
      returning = true;
    }
  }
  const end = semi >= 0 ? tokens[semi].start : sql.length;
  return { end, writes: because !== undefined, countOnly: topWrite && !returning, because };
}
