import { ConnectorError, isDroppedConnection, isNetworkError, messages, rawText } from '../errors.ts';

const loginCodes = new Set(['SASL_SIGNATURE_MISMATCH', 'AUTH_TYPE_NOT_IMPLEMENTED', 'MESSAGE_NOT_SUPPORTED']);

/** SQLSTATE classes that mean "the database cannot serve us now", not "this query is wrong". */
function unavailableState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '3D000' || code === '55000';
}

/** A postgres.js error as a ConnectorError with a safe message (never SQL, host or user). */
export function classify(err: unknown): ConnectorError {
  const detail = rawText(err);
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (isNetworkError(err)) return new ConnectorError('unavailable', messages.unavailable, detail);
  if (loginCodes.has(code) || code.startsWith('28')) return new ConnectorError('unavailable', messages.login, detail);
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (unavailableState(code)) return new ConnectorError('unavailable', messages.unavailable, detail);
    if (code === '57014') return new ConnectorError('cancelled', messages.cancelled, detail);
    return new ConnectorError('query', `${messages.query} (SQLSTATE ${code})`, detail);
  }
  return new ConnectorError('query', messages.query, detail);
}

/**
 * Worth one more try: the connection died (database restart, network blip), or a cancel request meant for an
 * earlier statement on the same connection landed late (PostgreSQL then cancels whatever runs; a cancelled
 * statement changed nothing, so running it again is safe).
 */
export function isRetryable(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return isDroppedConnection(err) || code.startsWith('57P') || code === '57014';
}
