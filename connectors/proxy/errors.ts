/**
 * The one error of proxy calls. `code` is MANTRA's; `kind` tells the gateway the REST status.
 * Messages never name hosts, paths, credentials or raw driver errors: they may be shown to callers.
 */
import { errorCatalogue } from '../../src/errors/catalogue.ts';

export type ProxyErrorKind =
  /** The operation's configuration cannot work (no URL, no method, host not allowed, WSDL not prepared). */
  | 'config'
  /** A caller value cannot go into the backend request (e.g. a path segment "..", a line break in a header). */
  | 'invalid'
  /** The backend did not answer in time. */
  | 'timeout'
  /** The backend is down, answered an HTTP error, garbage, a too large (code tooLarge) or unreadable reply, or its circuit is open. */
  | 'unavailable'
  /** The backend answered a proper error of its own: MANTRA envelope with status 0, SOAP fault, empty SOAP result. */
  | 'remote'
  /** The caller's signal aborted the call. */
  | 'cancelled';

/** MANTRA's codes for proxy operations, and Mantra's own for transport failures, from the one catalogue. */
export const proxyCodes = {
  noUrl: errorCatalogue.no_url.code,
  noMethod: errorCatalogue.no_method.code,
  badParam: errorCatalogue.missing_params.code,
  wsdl: errorCatalogue.wsdl_failed.code,
  soapFault: errorCatalogue.soap_fault.code,
  soapError: errorCatalogue.soap_error.code,
  soapEmpty: errorCatalogue.soap_empty.code,
  unknownRootKey: errorCatalogue.unknown_root.code,
  xml: errorCatalogue.xml_failed.code,
  unavailable: errorCatalogue.unavailable.code,
  timeout: errorCatalogue.timeout.code,
  /** A reply over maxResponseBytes (or an endless one): the backend is up but misbehaves, not down. */
  tooLarge: errorCatalogue.reply_too_large.code,
} as const;

/** The original's own texts, where it had one. */
export const originalMessages = {
  10003: errorCatalogue.no_url.id,
  10004: errorCatalogue.no_method.id,
  10005: errorCatalogue.missing_params.id,
  10009: errorCatalogue.soap_empty.id,
  10017: errorCatalogue.unknown_root.id,
} as const;

const statusOf: Record<ProxyErrorKind, number> = {
  config: 502,
  invalid: 400,
  timeout: 504,
  unavailable: 502,
  remote: 502,
  cancelled: 499,
};

export class ProxyError extends Error {
  override readonly name = 'ProxyError';

  constructor(
    readonly code: number,
    readonly kind: ProxyErrorKind,
    message: string,
    readonly extra: {
      /** The message is the backend's own (MANTRA envelope status 0, SOAP fault): show it unchanged. */
      passthrough?: boolean;
      /** HTTP status the backend answered, when it answered one. */
      backendStatus?: number;
      /** Getting the credentials failed (OAuth2 token endpoint), not the backend itself. */
      credentials?: boolean;
    } = {},
  ) {
    super(message);
  }

  get passthrough(): boolean {
    return this.extra.passthrough === true;
  }

  /** The status REST v1 answers for this error (remote errors: the gateway may map the code instead). */
  get httpStatus(): number {
    return statusOf[this.kind];
  }
}

export function isProxyError(e: unknown): e is ProxyError {
  return e instanceof ProxyError;
}

export const unavailable = (message: string, backendStatus?: number) =>
  new ProxyError(proxyCodes.unavailable, 'unavailable', message, { backendStatus });

/** The reply (its head, its body, or the body decompressed) passed its limit of `maxBytes`. */
export const tooLarge = (what: string, maxBytes: number, backendStatus?: number) =>
  new ProxyError(proxyCodes.tooLarge, 'unavailable', `The backend ${what} larger than ${maxBytes} bytes`, { backendStatus });

export const timedOut = (message: string) => new ProxyError(proxyCodes.timeout, 'timeout', message);

export const badParam = (message: string) => new ProxyError(proxyCodes.badParam, 'invalid', message);
