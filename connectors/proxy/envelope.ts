/**
 * MANTRA's envelope {"response":{"status","code","message","data"}} in a backend reply (JSON, XML or serialize
 * alike): the backend is itself a MANTRA or a Mantra, so its answer passes through unchanged (federation).
 */
import { originalMessages, ProxyError, proxyCodes } from './errors.ts';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The original's test: `isset($data['response']['status'])`. */
export function isEnvelope(value: unknown): value is { response: Record<string, unknown> } {
  return isObject(value) && isObject(value.response) && value.response.status !== undefined && value.response.status !== null;
}

/**
 * Status 1: the inner `data`, unchanged. Status 0: a ProxyError with the inner code and message, unchanged.
 * An envelope beside other root keys, or with a status other than 0/1 or a code that is not an integer: 10017.
 * Not an envelope: undefined.
 */
export function unwrapEnvelope(value: unknown): { data: unknown } | undefined {
  if (!isEnvelope(value)) return undefined;
  if (Object.keys(value).length !== 1) throw unknownRootKey();
  const { status, code, message, data } = value.response;
  const s = String(status).trim();
  if (s === '1') return { data: data ?? '' };
  if (s !== '0') throw unknownRootKey();
  const c = Number(String(code ?? '').trim());
  if (!Number.isSafeInteger(c)) throw unknownRootKey();
  throw new ProxyError(c, 'remote', message === undefined || message === null ? '' : String(message), { passthrough: true });
}

/** MANTRA styles: the original took the member `valid_response`, else `invalid_response`, else `error_response`. */
export function unwrapLegacyResponse(value: unknown): unknown {
  if (!isObject(value)) return value;
  for (const key of ['valid_response', 'invalid_response', 'error_response']) {
    if (Object.hasOwn(value, key) && value[key] !== null && value[key] !== undefined) return value[key];
  }
  return value;
}

function unknownRootKey(): ProxyError {
  return new ProxyError(proxyCodes.unknownRootKey, 'unavailable', originalMessages[10017]);
}
