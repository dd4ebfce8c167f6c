import { ConnectorError, isDroppedConnection, isNetworkError, messages, rawText } from '../errors.ts';

const loginErrors = new Set([1044, 1045, 1698, 1251]);
const unavailableErrors = new Set([1040, 1049, 1053, 1077, 1081, 1152, 1153, 1159, 1160, 1161, 2002, 2003, 2006, 2013]);
const timeoutErrors = new Set([3024, 1969]);

/** A mysql2 error as a ConnectorError with a safe message (never SQL, host or user). */
export function classify(err: unknown): ConnectorError {
  const detail = rawText(err);
  const e = (err ?? {}) as { errno?: unknown; fatal?: unknown };
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  if (errno !== undefined && loginErrors.has(errno)) return new ConnectorError('unavailable', messages.login, detail);
  if (isNetworkError(err) || (errno !== undefined && unavailableErrors.has(errno))) {
    return new ConnectorError('unavailable', messages.unavailable, detail);
  }
  if (errno !== undefined && timeoutErrors.has(errno)) return new ConnectorError('timeout', messages.timeout, detail);
  if (errno === 1317) return new ConnectorError('cancelled', messages.cancelled, detail);
  if (e.fatal === true) return new ConnectorError('unavailable', messages.unavailable, detail);
  return new ConnectorError('query', errno ? `${messages.query} (MySQL error ${errno})` : messages.query, detail);
}

/** Worth one more try on a fresh connection: the pooled one died (server restart, network blip). */
export function isStaleConnection(err: unknown): boolean {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return isDroppedConnection(err) || errno === 2006 || errno === 2013 || errno === 1053;
}
