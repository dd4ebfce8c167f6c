import { ConnectorError, isDroppedConnection, isNetworkError, messages, rawText } from '../errors.ts';

/** node-oracledb's own codes for a database that cannot be reached or talked to (thin mode). */
const unavailableNjs = new Set(['NJS-500', 'NJS-501', 'NJS-503', 'NJS-505', 'NJS-510', 'NJS-511', 'NJS-512', 'NJS-513', 'NJS-515', 'NJS-518', 'NJS-519', 'NJS-521', 'NJS-040', 'NJS-003']);
/** Oracle errors of the same kind: listener, service, network, instance down. */
const unavailableOra = new Set(['ORA-12514', 'ORA-12505', 'ORA-12541', 'ORA-12170', 'ORA-12537', 'ORA-12545', 'ORA-12528', 'ORA-03113', 'ORA-03114', 'ORA-03135', 'ORA-01033', 'ORA-01034', 'ORA-01089', 'ORA-12516', 'ORA-12519', 'ORA-12520']);
/** A refused login: wrong user or password, locked or expired account. */
const loginOra = new Set(['ORA-01017', 'ORA-28000', 'ORA-28001', 'ORA-01005', 'ORA-01045', 'ORA-28040']);
/** The connection died under a statement: worth one more try on a fresh one. */
const droppedCodes = new Set(['NJS-500', 'NJS-521', 'ORA-03113', 'ORA-03114', 'ORA-03135']);

const codeOf = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** A node-oracledb error as a ConnectorError with a safe message (never SQL, host or user) and its own code. */
export function classify(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const detail = rawText(err);
  const code = codeOf(err);
  if (code !== undefined && loginOra.has(code)) return new ConnectorError('unavailable', messages.login, detail, code);
  if ((code !== undefined && (unavailableNjs.has(code) || unavailableOra.has(code))) || isNetworkError(err)) {
    return new ConnectorError('unavailable', messages.unavailable, detail, code);
  }
  if (code === 'ORA-01013') return new ConnectorError('cancelled', messages.cancelled, detail, code);
  if (code?.startsWith('ORA-')) return new ConnectorError('query', `${messages.query} (${code})`, detail, code);
  return new ConnectorError('query', messages.query, detail, code);
}

export function isDropped(err: unknown): boolean {
  const code = codeOf(err);
  return (code !== undefined && droppedCodes.has(code)) || isDroppedConnection(err);
}
