import { ConnectorError, messages, rawText } from '../errors.ts';

/** tedious's codes for a server that cannot be reached or talked to. */
const unavailableCodes = new Set(['ESOCKET', 'ETIMEOUT', 'EINSTLOOKUP', 'EENCRYPT', 'ECLOSE', 'ENOTOPEN', 'ETDS', 'EINTERFACENOTSUPP', 'ECONNRESET']);
/** SQL Server error numbers that mean "cannot serve us now" rather than "this query is wrong". */
const unavailableNumbers = new Set([4060, 911, 942, 976, 978, 40613, 10928, 10929, 40501, 40197]);
/** A lock wait over LOCK_TIMEOUT. */
const timeoutNumbers = new Set([1222]);

type TediousError = { code?: unknown; number?: unknown; errors?: unknown[] };

/** The first error of an AggregateError (tedious reports failed connection attempts that way). */
function first(err: unknown): TediousError {
  const e = (err ?? {}) as TediousError;
  if (e.code === undefined && Array.isArray(e.errors) && e.errors.length) return first(e.errors[0]);
  return e;
}

/**
 * A tedious error as a ConnectorError with a safe message (never SQL, host or user) and tedious's own code.
 * `number` is the SQL Server error number of a refused login, which tedious reports only as ELOGIN.
 */
export function classify(err: unknown, number?: number): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = first(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const num = typeof e.number === 'number' ? e.number : number;
  const detail = num === undefined ? rawText(err) : `${rawText(err)} (SQL Server error ${num})`;
  if (code === 'ELOGIN') {
    const unknownDatabase = num !== undefined && unavailableNumbers.has(num);
    return new ConnectorError('unavailable', unknownDatabase ? messages.unavailable : messages.login, detail, code);
  }
  if (code === 'ECANCEL') return new ConnectorError('cancelled', messages.cancelled, detail, code);
  if (code !== undefined && unavailableCodes.has(code)) return new ConnectorError('unavailable', messages.unavailable, detail, code);
  if (num !== undefined && unavailableNumbers.has(num)) return new ConnectorError('unavailable', messages.unavailable, detail, code);
  if (num !== undefined && timeoutNumbers.has(num)) return new ConnectorError('timeout', messages.timeout, detail, code);
  return new ConnectorError('query', num !== undefined ? `${messages.query} (SQL Server error ${num})` : messages.query, detail, code);
}

/** A pooled connection that the server or the network dropped: worth one more try on a fresh one. */
export function isDropped(err: unknown): boolean {
  const code = first(err).code;
  return code === 'ESOCKET' || code === 'ECLOSE' || code === 'ECONNRESET' || code === 'EINVALIDSTATE';
}
