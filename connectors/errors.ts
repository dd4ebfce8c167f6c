/**
 * Errors of the connector layer. `message` is safe to show a caller: it never holds SQL text, hosts, user names
 * or passwords. `detail` keeps the driver's own words for server-side logs only.
 */
export const errorKinds = ['timeout', 'unavailable', 'rowcap', 'query', 'config', 'cancelled'] as const;
export type ErrorKind = (typeof errorKinds)[number];

/** What crosses the thread boundary: plain data. */
export interface JobError {
  kind: ErrorKind;
  message: string;
  /** The driver's raw error text, for server logs; never shown to a caller. */
  detail?: string;
  /** The driver's own error code (ESOCKET, ORA-01017, …): safe to show, it names no host or user. */
  code?: string;
}

export class ConnectorError extends Error {
  readonly kind: ErrorKind;
  readonly detail?: string;
  readonly code?: string;
  constructor(kind: ErrorKind, message: string, detail?: string, code?: string) {
    super(message);
    this.name = 'ConnectorError';
    this.kind = kind;
    this.detail = detail;
    if (code !== undefined) this.code = code;
  }
  toJSON(): JobError {
    const out: JobError = { kind: this.kind, message: this.message };
    if (this.detail !== undefined) out.detail = this.detail;
    if (this.code !== undefined) out.code = this.code;
    return out;
  }
}

export const messages = {
  timeout: 'the database did not answer within the time limit',
  cancelled: 'the query was cancelled',
  unavailable: 'the database is unavailable',
  login: 'the database refused the login',
  rowcap: 'the result has more rows than the operation allows',
  query: 'the database could not run the query',
} as const;

/** The raw text of anything thrown, for `detail`. */
export function rawText(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: unknown }).code ?? err.name}: ${err.message}`;
  return String(err);
}

/** Wraps an unknown failure; ConnectorErrors pass through untouched. */
export function asConnectorError(err: unknown, classify?: (err: unknown) => ConnectorError | undefined): ConnectorError {
  if (err instanceof ConnectorError) return err;
  return classify?.(err) ?? new ConnectorError('query', messages.query, rawText(err));
}

/** Network-level failures shared by the TCP drivers. */
const networkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'ECONNABORTED', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ERR_SOCKET_CLOSED', 'ConnectionRefused',
  'ConnectionClosed', 'FailedToOpenSocket',
]);

/** A connection that was up and went away (not one that could not be made): worth one more try. */
const droppedCodes = new Set([
  'ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'PROTOCOL_CONNECTION_LOST', 'ERR_SOCKET_CLOSED',
  'ConnectionClosed',
]);

export function isDroppedConnection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && droppedCodes.has(code);
}

export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && networkCodes.has(code);
}
