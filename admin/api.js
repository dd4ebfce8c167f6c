// The admin API client: JSON in and out, the session's CSRF token on unsafe methods, the page's language for the
// server's messages, and one error type that carries the server's message and field issues.
import { currentLang, t } from './i18n.js';

let csrf = '';
let onSignedOut = () => {};

export const setCsrf = (token) => { csrf = token ?? ''; };
/** Called when the server says the session is gone (401 on anything but the login itself). */
export const whenSignedOut = (fn) => { onSignedOut = fn; };

export class ApiError extends Error {
  constructor(message, { status = 0, key = 'network', issues = [], body } = {}) {
    super(message);
    this.status = status;
    this.key = key;
    this.issues = issues;
    this.body = body;
  }
}

/** A message for a failure the server did not explain (no JSON body): by status. */
function fallbackMessage(status) {
  const known = [400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 500, 501, 502, 503, 504];
  return known.includes(status) ? t(`error.http.${status}`) : t('error.http.other', { status });
}

/**
 * Calls `/admin/api{path}`. `query` becomes the query string; `body` is sent as JSON; `as: 'text'` returns the
 * body as text (exports). Throws ApiError for network failures and every non-2xx answer.
 */
export async function api(path, { method = 'GET', body, query, as = 'json', headers = {} } = {}) {
  const qs = query ? `?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')).toString()}` : '';
  let res;
  try {
    res = await fetch(`api${path}${qs}`, {
      method,
      headers: {
        accept: 'application/json',
        'accept-language': currentLang(),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(t('error.network'));
  }
  if (res.ok && as === 'text') return { text: await res.text(), headers: res.headers };
  const data = res.status === 204 ? null : await res.json().catch(() => undefined);
  if (res.ok) return data;
  const message = data?.message ?? fallbackMessage(res.status);
  const extra = res.status === 429 && data?.retryAfter ? ` (${t('error.retry', { seconds: data.retryAfter })})` : '';
  const err = new ApiError(message + extra, { status: res.status, key: data?.error ?? `http_${res.status}`, issues: data?.issues ?? [], body: data });
  if (res.status === 401 && path !== '/login' && err.key === 'unauthenticated') onSignedOut(err);
  return Promise.reject(err);
}

/** Every item of a list route (the API answers `{items}`). */
export async function list(path, query) {
  const data = await api(path, { query });
  return Array.isArray(data) ? data : data?.items ?? [];
}

/** Joins path segments with each one encoded. */
export const path = (...parts) => '/' + parts.map((p) => encodeURIComponent(p)).join('/');
